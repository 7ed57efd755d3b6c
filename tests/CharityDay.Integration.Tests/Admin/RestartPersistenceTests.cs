using CharityDay.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>
/// SPEC §5 embedded default: everything a manager set up lives in the data directory, so a new
/// process on the same directory — after a clean stop or a kill -9 — serves it back unchanged.
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed class RestartPersistenceTests : IAsyncLifetime
{
    private readonly RestartableEmbedded _deployment = new();

    public Task InitializeAsync() => _deployment.StartAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [Fact]
    public async Task Admin_state_survives_a_stop_and_a_kill_of_the_embedded_process()
    {
        var api = _deployment.Api();
        var campaign = ApiClient.NewId("c");
        ApiClient.Ensure(await api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}",
            new { name = "Durable", timeZone = "Europe/Paris", startsAt = "2026-09-01T00:00:00Z", endsAt = "2036-09-01T00:00:00Z" }), 201);
        var parent = await api.CreateProjectAsync(campaign);
        var child = await api.CreateProjectAsync(campaign, parentProjectId: parent);
        var closed = await api.CreateProjectAsync(campaign, status: "closed");
        var pool = await api.CreatePoolAsync(campaign, new()
        {
            ["sponsor"] = "Acme", ["budget"] = 10_000L, ["ratioBps"] = 5000, ["perDonationCap"] = 400L, ["perDonorDailyCap"] = 1000L,
            ["dailyOpensAt"] = "00:00", ["projectIds"] = new[] { parent, child }, ["priority"] = 3,
        });
        var random = await api.CreatePoolAsync(campaign, new() { ["budget"] = 500L, ["randomRatioBps"] = new { min = 100, max = 200 }, ["paused"] = true });
        var (partner, partnerKey) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partner}", new { name = "Renamed", rateLimit = 500 }), 200);
        var scoped = await api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "manager", campaignIds = new[] { campaign } });
        ApiClient.Ensure(scoped, 201);
        var revoked = await api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "viewer" });
        ApiClient.Ensure(revoked, 201);
        ApiClient.Ensure(await api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{revoked["keyId"].GetValue<string>()}"), 204);
        ApiClient.Ensure(await api.DonateAsync(partnerKey, "d1", child, "u1", 1000), 201);
        ApiClient.Ensure(await api.Manager(HttpMethod.Patch, $"/v1/admin/pools/{pool}", new { budgetDelta = 2000, perProjectCap = 9000 }), 200);
        ApiClient.Ensure(await api.Manager(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback", new { donorId = "u9", reason = "farm" }), 200);

        string[] reads =
        [
            $"/v1/campaigns/{campaign}", $"/v1/projects/{parent}", $"/v1/projects/{child}", $"/v1/projects/{closed}",
            $"/v1/campaigns/{campaign}/leaderboard", $"/v1/admin/campaigns/{campaign}", $"/v1/admin/projects/{child}",
            $"/v1/admin/pools/{pool}", $"/v1/admin/pools/{random}", "/v1/admin/audit",
        ];
        var before = await ReadAllAsync(api, reads, partnerKey, scoped["secret"].GetValue<string>(), revoked["secret"].GetValue<string>());

        await _deployment.Host.StopAsync();
        await _deployment.RestartAsync();
        var afterStop = await ReadAllAsync(api, reads, partnerKey, scoped["secret"].GetValue<string>(), revoked["secret"].GetValue<string>());
        Assert.Equal(before, afterStop);

        await _deployment.Host.KillAsync();
        await _deployment.RestartAsync();
        var afterKill = await ReadAllAsync(api, reads, partnerKey, scoped["secret"].GetValue<string>(), revoked["secret"].GetValue<string>());
        Assert.Equal(before, afterKill);

        // And it keeps working: the keys and the pool act as before.
        var donation = await api.DonateAsync(partnerKey, "d2", parent, "u2", 100);
        Assert.True(donation.Code == 201, donation.ToString());
        Assert.Equal(50, donation["matchedTotal"].GetValue<long>());
    }

    [Fact]
    public async Task A_data_directory_from_before_grains_db_keeps_its_settings_and_money()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var project = await api.CreateProjectAsync(campaign);
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L, ["ratioBps"] = 10_000 });
        var (_, partnerKey) = await api.CreatePartnerAsync();
        ApiClient.Ensure(await api.DonateAsync(partnerKey, "before-upgrade", project, "u1", 300), 201);
        string[] reads = [$"/v1/campaigns/{campaign}", $"/v1/projects/{project}", $"/v1/admin/pools/{pool}"];
        var before = await ReadAsync(api, reads);

        await _deployment.Host.StopAsync();
        // The layout of earlier releases: grain state in charityday.db, no grains.db.
        var ledgerFile = Path.Combine(_deployment.DataDir, "charityday.db");
        var grainsFile = Path.Combine(_deployment.DataDir, "grains.db");
        await using (var ledger = new SqliteConnection($"Data Source={ledgerFile};Pooling=false"))
        {
            await ledger.OpenAsync();
            await using var copy = ledger.CreateCommand();
            copy.CommandText = "ATTACH DATABASE @grains AS grains; INSERT INTO main.OrleansStorage SELECT * FROM grains.OrleansStorage; DETACH DATABASE grains;";
            copy.Parameters.AddWithValue("@grains", grainsFile);
            Assert.True(await copy.ExecuteNonQueryAsync() > 0, "no grain state to move back");
        }
        foreach (var file in Directory.GetFiles(_deployment.DataDir, "grains.db*"))
        {
            File.Delete(file);
        }

        await _deployment.RestartAsync();
        Assert.Equal(before, await ReadAsync(api, reads));
        Assert.True(File.Exists(grainsFile), "grains.db was not created");
        var after = await api.DonateAsync(partnerKey, "after-upgrade", project, "u2", 200);
        Assert.True(after.Code == 201, after.ToString());
        Assert.Equal(200, after["matchedTotal"].GetValue<long>());
    }

    private static async Task<string> ReadAsync(ApiClient api, string[] paths)
    {
        var lines = new List<string>();
        foreach (var path in paths)
        {
            // Public pages come from a snapshot up to ~1 s old: read one that includes everything written.
            var response = path.StartsWith("/v1/admin/", StringComparison.Ordinal)
                ? await api.Manager(HttpMethod.Get, path)
                : await api.GetPublicFreshAsync(path, Deployment.ManagerKey);
            Assert.True(response.Code == 200, $"GET {path}: {response}");
            lines.Add($"{path} {response.Body}");
        }
        return string.Join('\n', lines);
    }

    /// <summary>Every read as one text; the keys' standing (valid, scoped, revoked) is part of it.</summary>
    private static async Task<string> ReadAllAsync(ApiClient api, string[] paths, string partnerKey, string scopedKey, string revokedKey)
    {
        var lines = new List<string> { await ReadAsync(api, paths) };
        var donation = await api.SendAsync(HttpMethod.Get, "/v1/donations/d1", key: partnerKey);
        lines.Add($"partner key: {donation.Code} {donation.Body}");
        lines.Add($"scoped key in scope: {(await api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: scopedKey)).Code}");
        lines.Add($"scoped key elsewhere: {(await api.SendAsync(HttpMethod.Put, "/v1/admin/campaigns/elsewhere", new { name = "x" }, scopedKey)).Code}");
        lines.Add($"revoked key: {(await api.SendAsync(HttpMethod.Get, "/v1/admin/audit", key: revokedKey)).Code}");
        return string.Join('\n', lines);
    }
}
