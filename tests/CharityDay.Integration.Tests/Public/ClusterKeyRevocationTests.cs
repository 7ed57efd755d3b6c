using System.Diagnostics;
using CharityDay.Integration.Tests.Errors;
using CharityDay.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CharityDay.Integration.Tests.Public;

/// <summary>
/// SPEC §4 <c>DELETE /v1/admin/keys/{keyId}</c>: "it fails with 401 from then on" — on every silo,
/// even those that had the key in a local cache because they had just served it.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class ClusterKeyRevocationTests(PostgresClusterDeployment deployment, ITestOutputHelper output)
{
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task A_revoked_key_is_refused_by_every_silo_within_a_second()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var partnerId = ApiClient.NewId("partner");
        ApiClient.Ensure(await _api.Manager(HttpMethod.Put, $"/v1/admin/partners/{partnerId}", new { name = "Revoked partner" }), 201);
        var created = await _api.Manager(HttpMethod.Post, "/v1/admin/keys", new { role = "partner", partnerId });
        ApiClient.Ensure(created, 201);
        var keyId = created["keyId"].GetValue<string>();
        var secret = created["secret"].GetValue<string>();

        var silos = deployment.Hosts.Select(h => (h.Name, Http: new HttpClient { BaseAddress = h.BaseAddress, Timeout = TimeSpan.FromSeconds(30) })).ToList();
        try
        {
            // The key works on every silo (and each has just used it: whatever it caches, it holds).
            foreach (var (silo, i) in silos.Select((s, i) => (s, i)))
            {
                var donation = await _api.DonateAsync(secret, $"rev-{i}", project, $"u{i}", 100, silo.Http);
                Assert.True(donation.Code == 201, $"{silo.Name}: {donation}");
                var read = await _api.SendAsync(HttpMethod.Get, "/v1/donations/rev-0", key: secret, client: silo.Http);
                Assert.True(read.Code == 200, $"{silo.Name}: {read}");
            }

            ApiClient.Ensure(await _api.Manager(HttpMethod.Delete, $"/v1/admin/keys/{keyId}"), 204);
            var sinceRevoked = Stopwatch.StartNew();

            // From the moment the DELETE answered, each silo is asked every ~10 ms until it refuses the key.
            var giveUp = TimeSpan.FromSeconds(10);
            var delays = await Task.WhenAll(silos.Select(async silo =>
            {
                while (true)
                {
                    var response = await _api.SendAsync(HttpMethod.Get, "/v1/donations/rev-0", key: secret, client: silo.Http);
                    var at = sinceRevoked.Elapsed;
                    if (response.Code == 401)
                    {
                        Problems.AssertProblem(response, 401, "unauthorized");
                        return (silo.Name, Delay: at);
                    }
                    Assert.True(response.Code == 200, $"{silo.Name}, {at.TotalMilliseconds:0} ms after the revocation: {response}");
                    Assert.True(at < giveUp, $"{silo.Name} still accepts the revoked key {giveUp.TotalSeconds:0} s after the DELETE answered");
                    await Task.Delay(10);
                }
            }));

            foreach (var (name, delay) in delays)
            {
                output.WriteLine($"{name}: revoked key refused {delay.TotalMilliseconds:0} ms after the DELETE answered");
            }
            var worst = delays.MaxBy(d => d.Delay);
            output.WriteLine($"worst: {worst.Name}, {worst.Delay.TotalMilliseconds:0} ms");
            Assert.True(worst.Delay < TimeSpan.FromSeconds(1), $"{worst.Name} accepted the revoked key for {worst.Delay.TotalMilliseconds:0} ms after the DELETE answered");

            // And from then on: a write with it is refused everywhere too.
            foreach (var (silo, i) in silos.Select((s, i) => (s, i)))
            {
                Problems.AssertProblem(await _api.DonateAsync(secret, $"after-{i}", project, $"u{i}", 100, silo.Http), 401, "unauthorized");
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Http.Dispose();
            }
        }
    }
}
