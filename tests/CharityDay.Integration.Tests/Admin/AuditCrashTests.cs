using System.Net.Http.Headers;
using System.Text;
using CharityDay.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>
/// The admin log kept whole across a kill -9 in the middle of a change, and checked by the operator's
/// <c>audit-verify</c>, which finds an edited row.
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed class AuditCrashTests : IAsyncLifetime
{
    private readonly RestartableEmbedded _deployment = new();

    public Task InitializeAsync() => _deployment.StartAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    /// <summary>
    /// A manager tops a pool up and the process dies while the change may be committing; the manager
    /// retries with the same Idempotency-Key until it answers: the budget rose exactly once per
    /// top-up, and every change has its audit entry.
    /// </summary>
    [Fact]
    public async Task A_top_up_interrupted_by_a_kill_applies_once_when_retried_with_its_key()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L });
        const int rounds = 4;
        for (var round = 0; round < rounds; round++)
        {
            var key = Guid.NewGuid().ToString();
            var sent = TopUpAsync(api, pool, key);
            // Let the request reach the host, then kill it at some point of the change.
            await Task.Delay(round * 3);
            await _deployment.Host.KillAsync();
            try
            {
                await sent;
            }
            catch (HttpRequestException)
            {
                // No answer: the outcome is unknown until the retry.
            }
            await _deployment.RestartAsync();
            var retried = await TopUpAsync(api, pool, key);
            Assert.True(retried.Code == 200, retried.ToString());
        }

        Assert.Equal(1_000 + (rounds * 706_471), (await api.GetPoolAsync(pool)).Long("budget"));
        Assert.Equal(rounds, (await api.AuditAsync(campaign)).Of("pool.patch").Count());
        await _deployment.Host.StopAsync();
        var (exitCode, output) = await HostVerbs.RunAsync("audit-verify", _deployment.DataDir);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Audit_verify_finds_an_edited_entry()
    {
        var api = _deployment.Api();
        var campaign = await api.CreateCampaignAsync();
        var pool = await api.CreatePoolAsync(campaign, new() { ["budget"] = 1_000L });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await api.PatchPoolAsync(pool, new { budgetDelta = 1 })).Code);
        }
        await _deployment.Host.StopAsync();
        var (cleanExit, cleanOutput) = await HostVerbs.RunAsync("audit-verify", _deployment.DataDir);
        Assert.True(cleanExit == 0, cleanOutput);
        Assert.Contains("ok ", cleanOutput, StringComparison.Ordinal);

        // Someone with database access quietly shrinks a top-up in the log.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_deployment.DataDir, "charityday.db")}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_log SET after_json = replace(after_json, '\"budget\":1002', '\"budget\":1001') WHERE action = 'pool.patch' AND after_json LIKE '%\"budget\":1002%'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
            command.CommandText = "SELECT seq FROM audit_log WHERE after_json LIKE '%\"budget\":1001%' AND action = 'pool.patch' ORDER BY seq DESC LIMIT 1";
            var edited = (long)(await command.ExecuteScalarAsync())!;
            var (exitCode, output) = await HostVerbs.RunAsync("audit-verify", _deployment.DataDir);
            Assert.True(exitCode == 1, output);
            Assert.Contains($"FAIL audit entry {edited}", output, StringComparison.Ordinal);
        }
    }

    private static async Task<ApiResponse> TopUpAsync(ApiClient api, string pool, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/v1/admin/pools/{pool}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Deployment.ManagerKey);
        request.Headers.Add("Idempotency-Key", key);
        request.Content = new StringContent("{\"budgetDelta\":706471}", Encoding.UTF8, "application/json");
        return await api.SendRawAsync(request);
    }
}
