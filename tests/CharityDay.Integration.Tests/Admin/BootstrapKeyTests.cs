using System.Diagnostics;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Admin;

/// <summary>
/// Issue 12 "Keys": the first manager key is made once and shown once; revoking every manager key
/// does not lock the installation out (the next start makes a new first key); a configured bootstrap
/// key too short to be a secret stops the host.
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed partial class BootstrapKeyTests : IAsyncLifetime
{
    private readonly RestartableEmbedded _deployment = new(bootstrapKey: false);

    public Task InitializeAsync() => _deployment.StartAsync();

    public Task DisposeAsync() => _deployment.DisposeAsync();

    [GeneratedRegex(@"first manager key \(shown once, keep it safe\): (cd_\S+)")]
    private static partial Regex FirstKey();

    /// <summary>The key is printed once the host has started, which may be just after it reports ready.</summary>
    private async Task<string> PrintedKeyAsync()
    {
        for (var waited = 0; waited < 100; waited++)
        {
            if (FirstKey().Match(_deployment.Host.Output) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"no first manager key printed:\n{_deployment.Host.Output}");
    }

    [Fact]
    public async Task Revoking_every_manager_key_does_not_lock_the_installation_out()
    {
        var api = _deployment.Api();
        var first = await PrintedKeyAsync();
        var keyId = first.Split('_')[1];
        Assert.Equal(200, (await api.SendAsync(HttpMethod.Get, "/v1/admin/audit/head", key: first)).Code);

        // A restart with a manager key in place makes no other.
        await _deployment.Host.StopAsync();
        await _deployment.RestartAsync();
        await Task.Delay(2_000);
        Assert.Empty(FirstKey().Matches(_deployment.Host.Output));

        // The last manager key revokes itself: the next start makes a new first key.
        Assert.Equal(204, (await api.SendAsync(HttpMethod.Delete, $"/v1/admin/keys/{keyId}", key: first)).Code);
        Assert.Equal(401, (await api.SendAsync(HttpMethod.Get, "/v1/admin/audit/head", key: first)).Code);
        await _deployment.Host.StopAsync();
        await _deployment.RestartAsync();
        var second = await PrintedKeyAsync();
        Assert.NotEqual(first, second);
        var audit = await api.AuditAsync(key: second);
        Assert.Equal(2, audit.Of("key.create").Count(e => e["keyId"]!.GetValue<string>() == "bootstrap"));
        Assert.DoesNotContain(first, audit.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(second, audit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_bootstrap_key_shorter_than_32_characters_stops_the_host()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HostProcess.HostDll);
        start.Environment["CharityDay__DataDir"] = _deployment.DataDir + "-short";
        start.Environment["CharityDay__BootstrapManagerKey"] = "too-short-0123456789";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("at least 32 characters", await output + await error, StringComparison.Ordinal);
    }
}
