using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

/// <summary>SPEC §4 operations: liveness, readiness and Prometheus metrics on every silo.</summary>
public abstract class OperationsTests(Deployment deployment)
{
    [Fact]
    public async Task Every_silo_is_live_ready_and_exports_charityday_metrics()
    {
        foreach (var host in deployment.Hosts)
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            using var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, metrics.StatusCode);
            var text = await metrics.Content.ReadAsStringAsync();
            var lines = text.Split('\n').Where(l => l.StartsWith("charityday_", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count > 0, $"{host.Name}: no charityday_ series in /metrics:\n{text[..Math.Min(text.Length, 2000)]}");
        }
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedOperationsTests(EmbeddedDeployment deployment) : OperationsTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresOperationsTests(PostgresClusterDeployment deployment) : OperationsTests(deployment);
