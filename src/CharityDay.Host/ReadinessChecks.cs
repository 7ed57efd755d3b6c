using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CharityDay.Host;

/// <summary>Ready only when the ledger answers and this silo is an active cluster member, and not while shutting down.</summary>
public sealed class ReadinessCheck(ILedgerStore ledger, IHostApplicationLifetime lifetime, IClusterClient cluster, SiloStartup startup) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("shutting down");
        }
        if (!startup.Started)
        {
            return HealthCheckResult.Unhealthy("the silo has not started");
        }
        if (!await ledger.PingAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("the ledger database does not answer");
        }
        try
        {
            var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silos") : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", e);
        }
    }
}

/// <summary>Set once the host (and so the silo) has started.</summary>
public sealed class SiloStartup
{
    public bool Started { get; set; }
}

public sealed class StartupCheck(SiloStartup startup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(startup.Started ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("starting"));
}
