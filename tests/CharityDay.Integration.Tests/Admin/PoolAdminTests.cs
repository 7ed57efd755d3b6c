using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>SPEC §4 pools: PUT (every §3 field), PATCH live changes and budgetDelta, GET with usage.</summary>
public abstract class PoolAdminTests(Deployment deployment)
{
    private static readonly string[] SettingFields =
    [
        "poolId", "campaignId", "sponsor", "budget", "ratioBps", "randomRatioBps", "perDonationCap", "perDonorDailyCap",
        "perDonorDailyCount", "perDonorMinuteCount", "perProjectCap", "dailyBudget", "dailyOpensAt", "minDonation",
        "projectIds", "startsAt", "endsAt", "priority", "paused",
    ];

    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_pool_is_created_with_every_field_and_read_back_with_its_usage()
    {
        var campaign = await _api.CreateCampaignAsync();
        var p1 = await _api.CreateProjectAsync(campaign);
        var p2 = await _api.CreateProjectAsync(campaign);
        var id = ApiClient.NewId("pool");
        var body = FullPool(campaign, [p1, p2]);
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{id}", body);
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(id, created["poolId"].GetValue<string>());
        foreach (var (field, value) in body)
        {
            AssertJsonEqual(JsonSerializerNode(value), created.Json![field], field);
        }
        Assert.Null(created.Json!["randomRatioBps"]);
        AssertUsage(created, matched: 0, remaining: 1_000_000, matchedToday: 0, matchCount: 0);

        var read = await _api.GetPoolAsync(id);
        Assert.Equal(200, read.Code);
        foreach (var field in SettingFields.Concat(["matched", "remaining", "matchedToday", "matchCount"]))
        {
            Assert.True(read.Json!.AsObject().ContainsKey(field), $"GET pool lacks '{field}': {read.Body}");
            AssertJsonEqual(created.Json![field], read.Json![field], field);
        }

        var view = await _api.GetCampaignAsync(campaign);
        var summary = view["pools"].AsArray().Single(p => p!["poolId"]!.GetValue<string>() == id)!;
        Assert.Equal("Acme", summary["sponsor"]!.GetValue<string>());
        Assert.Equal(1_000_000, summary["budget"]!.GetValue<long>());
        Assert.Equal(1_000_000, summary["remaining"]!.GetValue<long>());
        Assert.True(summary["paused"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_pool_is_replaced_with_200_and_left_out_fields_return_to_their_defaults()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var id = ApiClient.NewId("pool");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{id}", FullPool(campaign, [project]))).Code);

        var replaced = await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{id}",
            new { campaignId = campaign, sponsor = "Beta", budget = 2000, randomRatioBps = new { min = 5000, max = 15000 } });
        Assert.True(replaced.Code == 200, replaced.ToString());
        Assert.Equal("Beta", replaced["sponsor"].GetValue<string>());
        Assert.Equal(2000, replaced.Long("budget"));
        Assert.Null(replaced.Json!["ratioBps"]);
        Assert.Equal(5000, replaced["randomRatioBps"]["min"]!.GetValue<int>());
        Assert.Equal(15000, replaced["randomRatioBps"]["max"]!.GetValue<int>());
        foreach (var cleared in new[] { "perDonationCap", "perDonorDailyCap", "perDonorDailyCount", "perDonorMinuteCount", "perProjectCap",
                     "dailyBudget", "dailyOpensAt", "minDonation", "projectIds", "startsAt", "endsAt" })
        {
            Assert.True(replaced.Json![cleared] is null, $"'{cleared}' should be back to null: {replaced.Body}");
        }
        Assert.Equal(0, replaced.Long("priority"));
        Assert.False(replaced["paused"].GetValue<bool>());

        var plain = await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{id}", new { campaignId = campaign, sponsor = "Gamma", budget = 10 });
        Assert.Equal(200, plain.Code);
        Assert.Equal(10000, plain.Long("ratioBps"));
        Assert.Null(plain.Json!["randomRatioBps"]);
    }

    [Theory]
    [InlineData("sponsor", "\"New sponsor\"")]
    [InlineData("budget", "4242")]
    [InlineData("ratioBps", "20000")]
    [InlineData("randomRatioBps", "{\"min\":5000,\"max\":15000}")]
    [InlineData("perDonationCap", "777")]
    [InlineData("perDonorDailyCap", "888")]
    [InlineData("perDonorDailyCount", "4")]
    [InlineData("perDonorMinuteCount", "2")]
    [InlineData("perProjectCap", "999")]
    [InlineData("dailyBudget", "12345")]
    [InlineData("dailyOpensAt", "\"09:30\"")]
    [InlineData("minDonation", "50")]
    [InlineData("startsAt", "\"2026-09-09T00:00:00+00:00\"")]
    [InlineData("endsAt", "\"2030-09-09T00:00:00+00:00\"")]
    [InlineData("priority", "-3")]
    [InlineData("paused", "true")]
    public async Task Patch_changes_one_field_and_leaves_the_others(string field, string json)
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L, ["ratioBps"] = 10000, ["perDonationCap"] = 100L, ["dailyOpensAt"] = "08:00" });
        var before = await _api.GetPoolAsync(pool);

        var patched = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", $"{{\"{field}\":{json}}}");
        Assert.True(patched.Code == 200, patched.ToString());
        AssertJsonEqual(JsonNode.Parse(json), patched.Json![field], field);
        var after = await _api.GetPoolAsync(pool);
        foreach (var other in SettingFields.Where(f => f != field && !(field == "randomRatioBps" && f == "ratioBps")))
        {
            AssertJsonEqual(before.Json![other], after.Json![other], other);
        }
        AssertJsonEqual(patched.Json![field], after.Json![field], field);
        if (field == "randomRatioBps")
        {
            Assert.Null(after.Json!["ratioBps"]);
        }

        var entry = (await _api.AuditAsync(campaign)).Items[^1];
        Assert.Equal("pool.patch", entry["action"]!.GetValue<string>());
        AssertJsonEqual(before.Json![field], entry["before"]![field], "audit before." + field);
        AssertJsonEqual(JsonNode.Parse(json), entry["after"]![field], "audit after." + field);
    }

    [Fact]
    public async Task Patch_with_an_explicit_null_clears_a_limit_and_an_absent_field_keeps_it()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = ApiClient.NewId("pool");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", FullPool(campaign, [project]))).Code);

        var kept = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { sponsor = "Still" });
        Assert.Equal(1000, kept.Long("perDonationCap"));

        string[] limits = ["perDonationCap", "perDonorDailyCap", "perDonorDailyCount", "perDonorMinuteCount", "perProjectCap", "dailyBudget",
            "dailyOpensAt", "minDonation", "projectIds", "startsAt", "endsAt"];
        var body = "{" + string.Join(',', limits.Select(l => $"\"{l}\":null")) + "}";
        var cleared = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", body);
        Assert.True(cleared.Code == 200, cleared.ToString());
        var read = await _api.GetPoolAsync(pool);
        foreach (var limit in limits)
        {
            Assert.True(cleared.Json![limit] is null, $"'{limit}' not cleared: {cleared.Body}");
            Assert.True(read.Json![limit] is null, $"'{limit}' not cleared on read: {read.Body}");
        }
        Assert.Equal(5000, read.Long("ratioBps"));
        Assert.Equal("Still", read["sponsor"].GetValue<string>());
    }

    [Fact]
    public async Task Clearing_a_random_ratio_returns_the_pool_to_one_to_one()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L, ["randomRatioBps"] = new { min = 100, max = 200 } });
        var cleared = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", "{\"randomRatioBps\":null}");
        Assert.True(cleared.Code == 200, cleared.ToString());
        Assert.Null(cleared.Json!["randomRatioBps"]);
        Assert.Equal(10000, cleared.Long("ratioBps"));

        var fixedAgain = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", "{\"ratioBps\":3000}");
        Assert.Equal(3000, fixedAgain.Long("ratioBps"));
        var reset = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", "{\"ratioBps\":null}");
        Assert.Equal(10000, reset.Long("ratioBps"));
        Assert.Null(reset.Json!["randomRatioBps"]);
    }

    [Fact]
    public async Task BudgetDelta_tops_up_and_cuts_but_never_below_zero()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L });
        string[] paths = [$"/v1/admin/pools/{pool}"];

        var up = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 500 });
        Assert.True(up.Code == 200, up.ToString());
        Assert.Equal(1500, up.Long("budget"));
        Assert.Equal(1500, up.Long("remaining"));
        var down = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = -1200 });
        Assert.Equal(300, down.Long("budget"));
        var toZero = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = -300 });
        Assert.Equal(0, toZero.Long("budget"));
        Assert.Equal(0, toZero.Long("remaining"));

        var belowZero = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = -1 }));
        Problems.AssertBadRequest(belowZero, "budgetDelta");
        var negative = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budget = -1 }));
        Problems.AssertBadRequest(negative, "budget");
        var both = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budget = 5, budgetDelta = 5 }));
        Problems.AssertBadRequest(both, "budget");
        var notNumber = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = "100" }));
        Problems.AssertBadRequest(notNumber, "budgetDelta");

        var absolute = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budget = 700 });
        Assert.Equal(700, absolute.Long("budget"));
    }

    [Fact]
    public async Task Usage_counts_matches_and_a_cut_below_what_is_matched_claws_nothing_back()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L, ["ratioBps"] = 10000 });
        var (_, key) = await _api.CreatePartnerAsync();
        Assert.Equal(300, (await _api.DonateAsync(key, "d1", project, "u1", 300))["matchedTotal"].GetValue<long>());
        Assert.Equal(400, (await _api.DonateAsync(key, "d2", project, "u2", 400))["matchedTotal"].GetValue<long>());
        AssertUsage(await _api.GetPoolAsync(pool), matched: 700, remaining: 300, matchedToday: 700, matchCount: 2);

        var cut = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = -800 });
        Assert.True(cut.Code == 200, cut.ToString());
        Assert.Equal(200, cut.Long("budget"));
        AssertUsage(cut, matched: 700, remaining: 0, matchedToday: 700, matchCount: 2);
        Assert.Equal(0, (await _api.DonateAsync(key, "d3", project, "u3", 100))["matchedTotal"].GetValue<long>());

        var topUp = await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 600 });
        AssertUsage(topUp, matched: 700, remaining: 100, matchedToday: 700, matchCount: 2);
        Assert.Equal(100, (await _api.DonateAsync(key, "d4", project, "u4", 150))["matchedTotal"].GetValue<long>());
        AssertUsage(await _api.GetPoolAsync(pool), matched: 800, remaining: 0, matchedToday: 800, matchCount: 3);
    }

    [Fact]
    public async Task Clawback_returns_the_donors_matches_to_the_pool()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L });
        var (_, key) = await _api.CreatePartnerAsync();
        await _api.DonateAsync(key, "d1", project, "farmer", 100);
        await _api.DonateAsync(key, "d2", project, "farmer", 200);
        await _api.DonateAsync(key, "d3", project, "honest", 50);

        var bad = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}"],
            () => _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "farmer" }));
        Problems.AssertBadRequest(bad, "reason");
        var badDonor = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/pools/{pool}"],
            () => _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "a b", reason = "farm" }));
        Problems.AssertBadRequest(badDonor, "donorId");

        var clawback = await _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "farmer", reason = "scripted account" });
        Assert.True(clawback.Code == 200, clawback.ToString());
        Assert.Equal(2, clawback.Long("matchesReversed"));
        Assert.Equal(300, clawback.Long("amountReturned"));
        AssertUsage(await _api.GetPoolAsync(pool), matched: 50, remaining: 950, matchedToday: 50, matchCount: 1);
        Assert.Equal(0, (await _api.DonateAsync(key, "d4", project, "farmer", 100))["matchedTotal"].GetValue<long>());
        var projectView = await _api.GetProjectAsync(project);
        Assert.Equal(450, projectView.Long("raised"));
        Assert.Equal(50, projectView.Long("matched"));
    }

    [Fact]
    public async Task Concurrent_patches_to_different_fields_all_take_effect()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 1000L });
        var patches = Enumerable.Range(0, 10).Select(_ => (object)new { budgetDelta = 100 })
            .Append(new { paused = true })
            .Append(new { sponsor = "Late sponsor" })
            .Append(new { perDonationCap = 77 })
            .ToList();
        var responses = await Task.WhenAll(patches.Select(p => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", p)));
        Assert.All(responses, r => Assert.True(r.Code == 200, r.ToString()));

        var read = await _api.GetPoolAsync(pool);
        Assert.Equal(2000, read.Long("budget"));
        Assert.True(read["paused"].GetValue<bool>(), read.Body);
        Assert.Equal("Late sponsor", read["sponsor"].GetValue<string>());
        Assert.Equal(77, read.Long("perDonationCap"));
        Assert.Equal(patches.Count, (await _api.AuditAsync(campaign)).Of("pool.patch").Count());
    }

    [Fact]
    public async Task A_pools_projects_must_exist_in_its_campaign()
    {
        var campaign = await _api.CreateCampaignAsync();
        var other = await _api.CreateCampaignAsync();
        var mine = await _api.CreateProjectAsync(campaign);
        var foreign = await _api.CreateProjectAsync(other);
        var pool = ApiClient.NewId("pool");
        string[] paths = [$"/v1/admin/pools/{pool}"];

        var unknown = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5, projectIds = new[] { "no-such-project" } }));
        Problems.AssertProblem(unknown, 404, "not-found", "projectIds[0]");
        var elsewhere = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5, projectIds = new[] { mine, foreign } }));
        Problems.AssertBadRequest(elsewhere, "projectIds[1]");
        var badId = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5, projectIds = new[] { "a/b" } }));
        Problems.AssertBadRequest(badId, "projectIds[0]");
        var notArray = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5, projectIds = mine }));
        Problems.AssertBadRequest(notArray, "projectIds");

        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 5, projectIds = new[] { mine } });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal([mine], created["projectIds"].AsArray().Select(p => p!.GetValue<string>()));
        var patchForeign = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { projectIds = new[] { foreign } }));
        Problems.AssertBadRequest(patchForeign, "projectIds[0]");
    }

    [Fact]
    public async Task Unknown_pools_and_campaigns_are_404_and_a_pool_cannot_move_campaign()
    {
        var campaign = await _api.CreateCampaignAsync();
        var other = await _api.CreateCampaignAsync();
        var unknownPool = ApiClient.NewId("pool");
        Problems.AssertProblem(await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{unknownPool}", new { paused = true }), 404, "not-found", "poolId");
        Problems.AssertProblem(await _api.GetPoolAsync(unknownPool), 404, "not-found", "poolId");
        Problems.AssertProblem(await _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{unknownPool}/clawback", new { donorId = "u", reason = "r" }), 404, "not-found", "poolId");

        var noCampaign = await StateSnapshot.AssertUnchangedAsync(_api, null, [$"/v1/admin/pools/{unknownPool}"],
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{unknownPool}", new { campaignId = "no-such-campaign", sponsor = "S", budget = 5 }));
        Problems.AssertProblem(noCampaign, 404, "not-found", "campaignId");

        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 100L });
        string[] paths = [$"/v1/admin/pools/{pool}"];
        var movedByPut = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = other, sponsor = "S", budget = 5 }));
        Problems.AssertProblem(movedByPut, 409, "conflict", "campaignId");
        var movedByPatch = await StateSnapshot.AssertUnchangedAsync(_api, campaign, paths,
            () => _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { campaignId = other }));
        Problems.AssertProblem(movedByPatch, 409, "conflict", "campaignId");
        Assert.Empty((await _api.GetCampaignAsync(other))["pools"].AsArray());
    }

    private static Dictionary<string, object?> FullPool(string campaignId, string[] projectIds) => new()
    {
        ["campaignId"] = campaignId,
        ["sponsor"] = "Acme",
        ["budget"] = 1_000_000L,
        ["ratioBps"] = 5000,
        ["perDonationCap"] = 1000L,
        ["perDonorDailyCap"] = 3000L,
        ["perDonorDailyCount"] = 3,
        ["perDonorMinuteCount"] = 5,
        ["perProjectCap"] = 500_000L,
        ["dailyBudget"] = 200_000L,
        ["dailyOpensAt"] = "10:00",
        ["minDonation"] = 100L,
        ["projectIds"] = projectIds,
        ["startsAt"] = "2026-09-01T00:00:00+00:00",
        ["endsAt"] = "2036-09-01T00:00:00+00:00",
        ["priority"] = 2,
        ["paused"] = true,
    };

    private static JsonNode? JsonSerializerNode(object? value) => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value));

    private static void AssertJsonEqual(JsonNode? expected, JsonNode? actual, string field)
    {
        var e = Normalise(expected);
        var a = Normalise(actual);
        Assert.True(e == a, $"'{field}': expected {e}, got {a}");
    }

    /// <summary>Instants compare as instants, whatever offset they are written with.</summary>
    private static string Normalise(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 19 && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var instant)
            ? instant.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            : node?.ToJsonString() ?? "null";

    private static void AssertUsage(ApiResponse pool, long matched, long remaining, long matchedToday, long matchCount)
    {
        Assert.True(
            pool.Long("matched") == matched && pool.Long("remaining") == remaining && pool.Long("matchedToday") == matchedToday && pool.Long("matchCount") == matchCount,
            $"expected matched {matched}, remaining {remaining}, matchedToday {matchedToday}, matchCount {matchCount}; got {pool.Body}");
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedPoolAdminTests(EmbeddedDeployment deployment) : PoolAdminTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresPoolAdminTests(PostgresClusterDeployment deployment) : PoolAdminTests(deployment);
