using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>SPEC §4 GET /v1/admin/audit: every admin change — who (key id), when, what, before and after.</summary>
public abstract class AuditTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task Every_campaign_change_is_in_the_audit_with_who_when_what_before_and_after()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);
        var campaign = ApiClient.NewId("c");
        var project = ApiClient.NewId("p");
        var pool = ApiClient.NewId("pool");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "One" })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "Two" })).Code);
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "P1" })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Put, $"/v1/admin/projects/{project}", new { campaignId = campaign, name = "P2" })).Code);
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 100 })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Put, $"/v1/admin/pools/{pool}", new { campaignId = campaign, sponsor = "S", budget = 200 })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 50 })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "u1", reason = "farm" })).Code);

        var entries = (await _api.AuditAsync(campaign)).Items;
        Assert.Equal(["campaign.create", "campaign.replace", "project.create", "project.replace", "pool.create", "pool.replace", "pool.patch", "pool.clawback"],
            entries.Select(e => e["action"]!.GetValue<string>()));
        foreach (var entry in entries)
        {
            Assert.Equal("bootstrap", entry["keyId"]!.GetValue<string>());
            Assert.Equal(campaign, entry["campaignId"]!.GetValue<string>());
            var at = entry["at"]!.GetValue<DateTimeOffset>();
            Assert.True(at >= started && at <= DateTimeOffset.UtcNow.AddSeconds(5), $"'at' {at:O} is not now");
            Assert.True(entry.AsObject().ContainsKey("before") && entry.AsObject().ContainsKey("after"), entry.ToJsonString());
            Assert.NotNull(entry["after"]);
        }
        Assert.Null(entries[0]["before"]);
        Assert.Equal("One", entries[0]["after"]!["name"]!.GetValue<string>());
        Assert.Equal("One", entries[1]["before"]!["name"]!.GetValue<string>());
        Assert.Equal("Two", entries[1]["after"]!["name"]!.GetValue<string>());
        Assert.Null(entries[2]["before"]);
        Assert.Equal("P1", entries[3]["before"]!["name"]!.GetValue<string>());
        Assert.Equal("P2", entries[3]["after"]!["name"]!.GetValue<string>());
        Assert.Null(entries[4]["before"]);
        Assert.Equal(100, entries[5]["before"]!["budget"]!.GetValue<long>());
        Assert.Equal(200, entries[5]["after"]!["budget"]!.GetValue<long>());
        Assert.Equal(200, entries[6]["before"]!["budget"]!.GetValue<long>());
        Assert.Equal(250, entries[6]["after"]!["budget"]!.GetValue<long>());
        Assert.Equal("u1", entries[7]["after"]!["donorId"]!.GetValue<string>());
        Assert.Equal("farm", entries[7]["after"]!["reason"]!.GetValue<string>());
        Assert.Equal($"pool/{pool}", entries[7]["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task Partner_and_key_changes_are_in_the_audit_without_secrets()
    {
        var partner = ApiClient.NewId("partner");
        Assert.Equal(201, (await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "A" })).Code);
        Assert.Equal(200, (await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "B" })).Code);
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId = partner });
        Assert.Equal(201, key.Code);
        var keyId = key["keyId"].GetValue<string>();
        Assert.Equal(204, (await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}")).Code);

        var audit = await _api.AuditAsync();
        var entries = audit.Items;
        var partnerEntries = entries.Where(e => e["target"]!.GetValue<string>() == $"partner/{partner}").ToList();
        Assert.Equal(["partner.create", "partner.replace"], partnerEntries.Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal("A", partnerEntries[1]["before"]!["name"]!.GetValue<string>());
        Assert.Equal("B", partnerEntries[1]["after"]!["name"]!.GetValue<string>());

        var keyEntries = entries.Where(e => e["target"]!.GetValue<string>() == $"key/{keyId}").ToList();
        Assert.Equal(["key.create", "key.revoke"], keyEntries.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(keyEntries, e => Assert.Equal("bootstrap", e["keyId"]!.GetValue<string>()));
        Assert.Equal(partner, keyEntries[0]["after"]!["partnerId"]!.GetValue<string>());
        Assert.False(keyEntries[0]["after"]!["revoked"]!.GetValue<bool>());
        Assert.False(keyEntries[1]["before"]!["revoked"]!.GetValue<bool>());
        Assert.True(keyEntries[1]["after"]!["revoked"]!.GetValue<bool>());
        Assert.DoesNotContain(key["secret"].GetValue<string>(), audit.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\":", audit.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_change_is_recorded_under_the_id_of_the_key_that_made_it()
    {
        var key = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager" });
        var keyId = key["keyId"].GetValue<string>();
        var campaign = ApiClient.NewId("c");
        Assert.Equal(201, (await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "Mine" }, key["secret"].GetValue<string>())).Code);
        var entry = Assert.Single((await _api.AuditAsync(campaign)).Items);
        Assert.Equal(keyId, entry["keyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_campaign_filter_returns_that_campaigns_entries_only()
    {
        var first = await _api.CreateCampaignAsync();
        var second = await _api.CreateCampaignAsync();
        await _api.CreateProjectAsync(first);
        await _api.CreateProjectAsync(second);
        await _api.CreatePoolAsync(second, new() { ["budget"] = 1L });

        var entries = (await _api.AuditAsync(second)).Items;
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(second, e["campaignId"]!.GetValue<string>()));
        Assert.Empty((await _api.AuditAsync(ApiClient.NewId("c"))).Items);
        Problems.AssertBadRequest(await _api.Manager(HttpMethod.Get, "/v1/admin/audit?campaignId=a%20b"), "campaignId");

        var all = (await _api.AuditAsync()).Items;
        var seqs = all.Select(e => e["seq"]!.GetValue<long>()).ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Contains(all, e => e["campaignId"]?.GetValue<string>() == first);
        Assert.Contains(all, e => e["campaignId"]?.GetValue<string>() == second);
    }

    [Fact]
    public async Task Reads_and_rejected_requests_leave_no_audit_entry()
    {
        var campaign = await _api.CreateCampaignAsync();
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 10L });
        var last = await StateSnapshot.LastAuditIdAsync(_api);
        await _api.GetPoolAsync(pool);
        await _api.GetCampaignAsync(campaign);
        await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}");
        await _api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { ratioBps = 0 });
        await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "" });
        await _api.SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "x" });
        Assert.Equal(last, await StateSnapshot.LastAuditIdAsync(_api));
    }

}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedAuditTests(EmbeddedDeployment deployment) : AuditTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresAuditTests(PostgresClusterDeployment deployment) : AuditTests(deployment);
