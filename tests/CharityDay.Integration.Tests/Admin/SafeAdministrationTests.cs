using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>
/// SPEC §4 "Safe administration": Idempotency-Key, ETag / If-Match, read-your-writes, the listing
/// pages and the tamper-evident audit chain, over HTTP on both profiles.
/// </summary>
public abstract class SafeAdministrationTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey = null, string? ifMatch = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Deployment.ManagerKey);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        return await _api.SendRawAsync(request);
    }

    private static string ETagOf(ApiResponse response) =>
        response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException($"no ETag on {response}");

    [Fact]
    public async Task A_retried_top_up_with_the_same_idempotency_key_applies_once()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L });
        var key = Guid.NewGuid().ToString();

        var first = await SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 706_471 }, key);
        var retry = await SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 706_471 }, key);
        var reordered = await SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", "{ \"budgetDelta\" : 706471 }", key);

        Assert.True(first.Code == 200, first.ToString());
        Assert.Equal(707_471, first.Long("budget"));
        Assert.Equal((200, first.Body), (retry.Code, retry.Body));
        Assert.Equal((200, first.Body), (reordered.Code, reordered.Body));
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"), "a replay says so");
        Assert.Equal(707_471, (await _api.GetPoolAsync(pool)).Long("budget"));
        Assert.Single((await _api.AuditAsync(campaign)).Of("pool.patch"));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_409_and_changes_nothing()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L });
        var key = Guid.NewGuid().ToString();
        Assert.Equal(200, (await SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 10 }, key)).Code);

        var conflict = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}"],
            () => SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 20 }, key));
        Problems.AssertProblem(conflict, 409, "idempotency-conflict", "Idempotency-Key");

        // Another path with the key is another request too; another caller's keys are its own.
        Problems.AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "X" }, key), 409, "idempotency-conflict", "Idempotency-Key");
        var other = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager" });
        var otherSecret = other["secret"].GetValue<string>();
        Assert.Equal(200, (await SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 20 }, key, key: otherSecret)).Code);
        Assert.Equal(1_030, (await _api.GetPoolAsync(pool)).Long("budget"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("256-characters-0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123")]
    public async Task A_malformed_idempotency_key_is_400_and_changes_nothing(string idempotencyKey)
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L });
        var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}"],
            () => SendAsync(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 10 }, idempotencyKey.Length == 0 ? "\"\"" : idempotencyKey));
        Problems.AssertBadRequest(response, "Idempotency-Key");
    }

    [Fact]
    public async Task Every_admin_write_replays_its_first_answer()
    {
        var campaign = ApiClient.NewId("c");
        var project = ApiClient.NewId("p");
        var pool = ApiClient.NewId("pool");
        var partner = ApiClient.NewId("partner");
        var writes = new (HttpMethod Method, string Path, object Body)[]
        {
            (HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "C" }),
            (HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "P" }),
            (HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5 }),
            (HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "d", reason = "r" }),
            (HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "Partner" }),
        };
        foreach (var (method, path, body) in writes)
        {
            var key = Guid.NewGuid().ToString();
            var first = await SendAsync(method, path, body, key);
            var again = await SendAsync(method, path, body, key);
            Assert.True(first.Code is 200 or 201, first.ToString());
            Assert.Equal((first.Code, first.Body, first.Headers.ETag?.Tag), (again.Code, again.Body, again.Headers.ETag?.Tag));
        }
        // A created key's secret is shown once: the replay answers the same key without it.
        var keyKey = Guid.NewGuid().ToString();
        var created = await SendAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" }, keyKey);
        var replayed = await SendAsync(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" }, keyKey);
        Assert.Equal((201, 201), (created.Code, replayed.Code));
        Assert.Equal(created["keyId"].GetValue<string>(), replayed["keyId"].GetValue<string>());
        Assert.StartsWith("cd_", created["secret"].GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(replayed.Json!["secret"]);
        var audit = await _api.AuditAsync(campaign);
        Assert.Equal(["campaign.create", "project.create", "pool.create", "pool.clawback"], audit.Items.Select(e => e["action"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ETags_cover_settings_only_and_a_stale_if_match_is_412()
    {
        var scene = await Scene.CreateAsync(_api);
        var poolId = await scene.PoolAsync(new() { ["budget"] = 10_000L });
        var poolPath = $"/v1/admin/pools/{poolId}";
        var read = await _api.Manager(HttpMethod.Get, poolPath);
        var etag = ETagOf(read);

        // Matches change the pool's usage, not its settings: the ETag stays.
        Assert.Equal(201, (await scene.DonateNewAsync("donor", 100)).Code);
        var afterDonation = await _api.Manager(HttpMethod.Get, poolPath);
        Assert.NotEqual(read.Long("matched"), afterDonation.Long("matched"));
        Assert.Equal(etag, ETagOf(afterDonation));

        var patched = await SendAsync(HttpMethod.Patch, poolPath, new { paused = true }, ifMatch: etag);
        Assert.True(patched.Code == 200, patched.ToString());
        var newTag = ETagOf(patched);
        Assert.NotEqual(etag, newTag);
        Assert.Equal(newTag, ETagOf(await _api.Manager(HttpMethod.Get, poolPath)));

        var stale = await StateSnapshot.AssertUnchangedAsync(_api, scene.CampaignId, [poolPath],
            () => SendAsync(HttpMethod.Patch, poolPath, new { budgetDelta = 1 }, ifMatch: etag));
        Problems.AssertProblem(stale, 412, "precondition-failed", "If-Match");
        Assert.Equal(200, (await SendAsync(HttpMethod.Patch, poolPath, new { budgetDelta = 1 }, ifMatch: $"\"nope\", {newTag}")).Code);
        Assert.Equal(412, (await SendAsync(HttpMethod.Put, $"/v1/admin/pools/{ApiClient.NewId("pool")}",
            new { campaignId = scene.CampaignId, sponsor = "S", budget = 1 }, ifMatch: "*")).Code);

        foreach (var (path, body) in new (string, object)[]
        {
            ($"/v1/admin/campaigns/{scene.CampaignId}", new { name = "Renamed" }),
            ($"/v1/admin/projects/{scene.Project}", new { campaignId = scene.CampaignId, name = "Renamed" }),
        })
        {
            var tag = ETagOf(await _api.Manager(HttpMethod.Get, path));
            Assert.Equal(200, (await SendAsync(HttpMethod.Put, path, body, ifMatch: tag)).Code);
            Problems.AssertProblem(await SendAsync(HttpMethod.Put, path, body, ifMatch: tag), 412, "precondition-failed", "If-Match");
        }
    }

    [Fact]
    public async Task Admin_reads_show_a_write_at_once_on_every_silo()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 100L });
        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal(200, (await _api.PatchPoolAsync(pool, new { budgetDelta = 1 })).Code);
            // Each request goes to the next silo of the deployment.
            Assert.Equal(100 + i, (await _api.GetPoolAsync(pool)).Long("budget"));
            var listed = await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/pools");
            Assert.Equal(100 + i, listed["items"][0]!["budget"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task Lists_page_with_a_cursor_and_show_a_scoped_manager_its_campaigns_only()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pools = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            pools.Add(await _api.CreatePoolAsync(campaign, new() { ["budget"] = (long)i }));
        }
        var seen = new List<string>();
        string? next = null;
        do
        {
            var page = await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/pools?limit=2" + (next is null ? "" : $"&after={next}"));
            Assert.True(page.Code == 200, page.ToString());
            Assert.True(page["items"].AsArray().Count <= 2);
            seen.AddRange(page["items"].AsArray().Select(p => p!["poolId"]!.GetValue<string>()));
            next = page.Json!["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal(pools.Order(StringComparer.Ordinal), seen);

        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/pools?limit=0"), "limit");
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/pools?limit=1001"), "limit");
        Assert.Equal(404, (await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{ApiClient.NewId("c")}/projects")).Code);

        var other = await _api.CreateCampaignAsync();
        var scoped = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { campaign } });
        var secret = scoped["secret"].GetValue<string>();
        var campaigns = new List<string>();
        next = null;
        do
        {
            var page = await _api.SendAsync(HttpMethod.Get, "/v1/admin/campaigns?limit=1000" + (next is null ? "" : $"&after={next}"), key: secret);
            campaigns.AddRange(page["items"].AsArray().Select(c => c!["campaignId"]!.GetValue<string>()));
            next = page.Json!["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal([campaign], campaigns);
        Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, $"/v1/admin/campaigns/{other}/pools", key: secret)).Code);
        Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/keys", key: secret)).Code);
    }

    [Fact]
    public async Task The_key_list_shows_use_and_revocation_but_never_a_secret()
    {
        var created = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        var keyId = created["keyId"].GetValue<string>();
        var secret = created["secret"].GetValue<string>();
        var before = await FindKeyAsync(keyId);
        Assert.True(before.AsObject().ContainsKey("lastUsedAt"));
        Assert.Null(before["lastUsedAt"]);
        Assert.False(before["revoked"]!.GetValue<bool>());

        Assert.Equal(200, (await _api.SendAsync(HttpMethod.Get, "/v1/admin/audit/head", key: secret)).Code);
        var used = await FindKeyAsync(keyId);
        Assert.NotNull(used["lastUsedAt"]);
        Assert.Equal(204, (await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}")).Code);
        Assert.True((await FindKeyAsync(keyId))["revoked"]!.GetValue<bool>());
    }

    private async Task<JsonNode> FindKeyAsync(string keyId)
    {
        string? next = null;
        do
        {
            var page = await _api.Manager(HttpMethod.Get, "/v1/admin/keys?limit=1000" + (next is null ? "" : $"&after={next}"));
            Assert.DoesNotContain("secret", page.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", page.Body, StringComparison.OrdinalIgnoreCase);
            if (page["items"].AsArray().FirstOrDefault(k => k!["keyId"]!.GetValue<string>() == keyId) is { } key)
            {
                return key;
            }
            next = page.Json!["next"]?.GetValue<string>();
        }
        while (next is not null);
        throw new Xunit.Sdk.XunitException($"key {keyId} is not listed");
    }

    /// <summary>
    /// The chain as SPEC §4 defines it, recomputed here from the API's entries with this test's own
    /// RFC 8785 canonicalizer: a random admin workload leaves one unbroken chain up to the head.
    /// </summary>
    [Fact]
    public async Task The_audit_log_is_one_hash_chain_a_reader_can_verify()
    {
        var random = new Random(20261203);
        var campaign = await _api.CreateCampaignAsync();
        var pools = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    pools.Add(await _api.CreatePoolAsync(campaign, new() { ["budget"] = (long)random.Next(1, 100_000), ["sponsor"] = $"Sponsor \"{i}\" \\ 赞助 🎉" }));
                    break;
                case 1 when pools.Count > 0:
                    Assert.Equal(200, (await _api.PatchPoolAsync(pools[random.Next(pools.Count)], new { budgetDelta = random.Next(1, 1_000), paused = random.Next(2) == 0 })).Code);
                    break;
                case 2:
                    await _api.CreateProjectAsync(campaign);
                    break;
                default:
                    Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{ApiClient.NewId("partner")}", new { name = $"P{i}", rateLimit = random.Next(1, 5000) })).Code);
                    break;
            }
        }

        var entries = (await _api.AuditAsync()).Items;
        Assert.NotEmpty(entries);
        var prev = new string('0', 64);
        var expectedSeq = entries[0]["seq"]!.GetValue<long>();
        if (expectedSeq == 1)
        {
            Assert.Equal(prev, entries[0]["prevHash"]!.GetValue<string>());
        }
        prev = entries[0]["prevHash"]!.GetValue<string>();
        foreach (var entry in entries)
        {
            Assert.Equal(expectedSeq++, entry["seq"]!.GetValue<long>());
            Assert.Equal(prev, entry["prevHash"]!.GetValue<string>());
            var body = entry.DeepClone().AsObject();
            body.Remove("hash");
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + "\n" + Jcs(body))));
            Assert.Equal(hash, entry["hash"]!.GetValue<string>());
            prev = hash;
        }
        var head = await _api.Manager(HttpMethod.Get, "/v1/admin/audit/head");
        Assert.True(head.Long("seq") >= entries[^1]["seq"]!.GetValue<long>());
        if (head.Long("seq") == entries[^1]["seq"]!.GetValue<long>())
        {
            Assert.Equal(prev, head["hash"].GetValue<string>());
        }
        Assert.DoesNotContain(".", string.Concat(entries.Select(e => Numbers(e))), StringComparison.Ordinal);
    }

    /// <summary>SPEC §3 random matching: after endsAt a manager reads the seed and recomputes every draw with the SPEC formula.</summary>
    [Fact]
    public async Task A_random_pools_draws_are_reproduced_from_its_revealed_seed()
    {
        var scene = await Scene.CreateAsync(_api);
        var endsAt = DateTimeOffset.UtcNow.AddSeconds(4);
        var pool = await scene.PoolAsync(new() { ["budget"] = 100_000_000L, ["randomRatioBps"] = new { min = 5_000, max = 30_000 }, ["endsAt"] = endsAt.ToString("O") });
        var donations = new List<(string Id, int Ratio)>();
        for (var i = 0; i < 12; i++)
        {
            var id = ApiClient.NewId("d");
            var answer = await scene.DonateNewAsync($"donor-{i}", 10_000, donationId: id);
            Assert.True(answer.Code == 201, answer.ToString());
            donations.Add((id, answer["matches"][0]!["ratioBps"]!.GetValue<int>()));
        }
        Problems.AssertProblem(await _api.Manager(HttpMethod.Get, $"/v1/admin/pools/{pool}/seed"), 409, "conflict", "endsAt");
        Assert.DoesNotContain("seed", (await _api.GetPoolAsync(pool)).Body, StringComparison.OrdinalIgnoreCase);

        await Task.Delay(endsAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        var revealed = await _api.Manager(HttpMethod.Get, $"/v1/admin/pools/{pool}/seed");
        Assert.True(revealed.Code == 200, revealed.ToString());
        Assert.Equal(pool, revealed["poolId"].GetValue<string>());
        var seedHex = revealed["seed"].GetValue<string>();
        var seed = Convert.FromHexString(seedHex);
        Assert.Equal(32, seed.Length);
        foreach (var (id, ratio) in donations)
        {
            var h = HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes($"{pool}\n{scene.PartnerId}\n{id}"));
            var first8 = h.Take(8).Aggregate(0UL, (acc, b) => (acc << 8) | b);
            Assert.Equal(5_000 + (int)(first8 % 25_001), ratio);
        }
        var audit = await _api.AuditAsync(scene.CampaignId);
        Assert.Single(audit.Of("pool.seed.read"));
        Assert.DoesNotContain(seedHex, audit.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(403, (await _api.SendAsync(HttpMethod.Get, $"/v1/admin/pools/{pool}/seed",
            key: (await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" }))["secret"].GetValue<string>())).Code);
    }

    /// <summary>Every number in the entry, as text: the log holds no floating point.</summary>
    private static string Numbers(JsonNode? node) => node switch
    {
        JsonObject o => string.Concat(o.Select(p => Numbers(p.Value))),
        JsonArray a => string.Concat(a.Select(Numbers)),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => "",
    };

    /// <summary>RFC 8785 for integers, strings, booleans, null, arrays and objects.</summary>
    private static string Jcs(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JcsString(p.Key) + ":" + Jcs(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Jcs)) + "]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => JcsString(v.GetValue<string>()),
            JsonValueKind.Number => v.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "null",
        },
        _ => throw new InvalidOperationException(),
    };

    private static string JcsString(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedSafeAdministrationTests(EmbeddedDeployment deployment) : SafeAdministrationTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresSafeAdministrationTests(PostgresClusterDeployment deployment) : SafeAdministrationTests(deployment);
