using System.Collections.Concurrent;
using System.Diagnostics;
using CharityDay.Domain.Transparency;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 under crashes, on the embedded profile: kill -9 while donations flow and checkpoints are
/// sealed every second (each kill aimed at when the next seal is due: just after a seal's log line plus
/// most of an interval), restart, and the chain is valid, every checkpoint published before a kill is
/// still there unchanged, and the checkpoints cover every event exactly once. Then the host's
/// <c>ledger-verify</c> verb: one changed byte of a stored event, or one deleted event, fails at the
/// checkpoint that sealed it.
/// </summary>
public sealed class SealingCrashTests : IAsyncLifetime
{
    private const string SealedLine = ": sealed checkpoint ";

    private readonly RestartableEmbedded _deployment = new(new Dictionary<string, string> { ["CharityDay__CheckpointInterval"] = "1" });

    public Task InitializeAsync() => _deployment.InitializeAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    private string DatabasePath => Path.Combine(_deployment.DataDir, "charityday.db");

    [Fact]
    public async Task Kill_9_while_sealing_leaves_the_chain_valid_and_unchanged_and_ledger_verify_catches_a_changed_or_deleted_event()
    {
        var api = _deployment.Api();
        var scene = await Scene.CreateAsync(api, projects: 2);
        await scene.PoolAsync(new() { ["budget"] = 200_000L, ["ratioBps"] = 10_000, ["perDonorDailyCap"] = 5_000L });
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var published = new List<List<Checkpoint>>();

        foreach (var offsetMs in new[] { 850, 950, 1000 })
        {
            using var stop = new CancellationTokenSource();
            var load = LoadAsync(api, scene, acknowledged, $"r{offsetMs}", stop.Token);
            var host = _deployment.Host;
            await WaitForSealAsync(host, Count(host.Output) + 1, TimeSpan.FromSeconds(30));
            await Task.Delay(offsetMs);
            published.Add(await LedgerProofClient.CheckpointsAsync(api, scene.CampaignId));
            await host.KillAsync();
            await stop.CancelAsync();
            await load;
            await _deployment.RestartAsync();
        }
        Assert.True(acknowledged.Count > 200, $"only {acknowledged.Count} donations went through");

        var lastEvent = await ScalarAsync($"SELECT MAX(seq) FROM ledger_events WHERE campaign_id = '{scene.CampaignId}'");
        var final = await LedgerProofClient.SealedThroughAsync(api, scene.CampaignId, lastEvent, TimeSpan.FromSeconds(60));
        foreach (var before in published)
        {
            // Sealed before a crash = sealed the same after it: a checkpoint is never re-sealed differently.
            Assert.Equal(before, final.Take(before.Count));
        }
        Checkpoint? previous = null;
        foreach (var checkpoint in final)
        {
            Assert.Null(CheckpointChain.Follows(previous, checkpoint));
            previous = checkpoint;
        }
        Assert.Equal(lastEvent, final.Sum(c => c.Count));
        // Every donation in the ledger has exactly one acceptance event, and every acknowledged one is in the ledger.
        Assert.Equal(await ScalarAsync($"SELECT COUNT(*) FROM donations WHERE campaign_id = '{scene.CampaignId}'"),
            await ScalarAsync($"SELECT COUNT(*) FROM ledger_events WHERE campaign_id = '{scene.CampaignId}' AND type = 'accepted'"));
        var missing = acknowledged.Keys.Where(id => !ReceiptKeyExists(scene.PartnerId, id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"acknowledged donations without an acceptance event: {string.Join(", ", missing)}");

        await _deployment.Host.StopAsync();
        var (code, output) = await HostVerbs.RunAsync("ledger-verify", _deployment.DataDir);
        Assert.True(code == 0, output);

        // One byte of an event in the middle of the chain.
        var target = final[final.Count / 2];
        var seq = target.FirstEvent + (target.Count / 2);
        var body = await TextAsync($"SELECT body FROM ledger_events WHERE campaign_id = '{scene.CampaignId}' AND seq = {seq}");
        var at = body.IndexOf("\"amount\":", StringComparison.Ordinal) + "\"amount\":".Length;
        var flipped = body[..at] + (body[at] == '9' ? '8' : (char)(body[at] + 1)) + body[(at + 1)..];
        await ExecuteAsync($"UPDATE ledger_events SET body = '{flipped}' WHERE campaign_id = '{scene.CampaignId}' AND seq = {seq}");
        (code, output) = await HostVerbs.RunAsync("ledger-verify", _deployment.DataDir);
        Assert.True(code == 1, output);
        Assert.Contains($"FAIL {scene.CampaignId} checkpoint {target.Seq}:", output, StringComparison.Ordinal);

        await ExecuteAsync($"UPDATE ledger_events SET body = '{body}' WHERE campaign_id = '{scene.CampaignId}' AND seq = {seq}");
        (code, output) = await HostVerbs.RunAsync("ledger-verify", _deployment.DataDir);
        Assert.True(code == 0, output);

        // One event deleted.
        await ExecuteAsync($"DELETE FROM ledger_events WHERE campaign_id = '{scene.CampaignId}' AND seq = {seq}");
        (code, output) = await HostVerbs.RunAsync("ledger-verify", _deployment.DataDir);
        Assert.True(code == 1, output);
        Assert.Contains($"FAIL {scene.CampaignId} checkpoint {target.Seq}:", output, StringComparison.Ordinal);
    }

    /// <summary>Batches of 200 new donations, back to back, until stopped or the host dies; records what was acknowledged.</summary>
    private static async Task LoadAsync(ApiClient api, Scene scene, ConcurrentDictionary<string, bool> acknowledged, string prefix, CancellationToken stop)
    {
        for (var b = 0; !stop.IsCancellationRequested; b++)
        {
            try
            {
                var answer = await api.PostBatchAsync(scene.Key, new
                {
                    donations = Enumerable.Range(0, 200).Select(i => new { donationId = $"{prefix}-{b}-{i}", projectId = scene.Projects[i % 2], donorId = $"u{i % 50}", amount = 100L + i }).ToArray(),
                });
                if (answer.Code != 200)
                {
                    continue;
                }
                foreach (var item in answer["results"].AsArray().Where(r => r!["status"]!.GetValue<int>() == 201))
                {
                    acknowledged[item!["donation"]!["donationId"]!.GetValue<string>()] = true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // The host was killed under the request: its outcome is unknown, so it is not counted as acknowledged.
                return;
            }
        }
    }

    private static int Count(string output)
    {
        var count = 0;
        for (var at = output.IndexOf(SealedLine, StringComparison.Ordinal); at >= 0; at = output.IndexOf(SealedLine, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static async Task WaitForSealAsync(HostProcess host, int atLeast, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (Count(host.Output) < atLeast)
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"no checkpoint sealed within {timeout}:\n{host.Output[^Math.Min(4000, host.Output.Length)..]}");
            }
            await Task.Delay(10);
        }
    }

    private bool ReceiptKeyExists(string partnerId, string donationId)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ledger_events WHERE receipt_key = $k";
        command.Parameters.AddWithValue("$k", ReceiptKeys.Donation(partnerId, donationId));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await QueryAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> TextAsync(string sql) => (string)(await QueryAsync(sql))!;

    private async Task<object?> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
