using System.Diagnostics.Metrics;
using System.Reflection;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.Http;

/// <summary>The API's own instruments on the CharityDay meter.</summary>
public static class ApiTelemetry
{
    private static readonly string Version =
        typeof(ApiTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Problems answered, by status and problem type (both bounded sets): a spike of 401s or 400s
    /// shows here first. A failed item of a batch counts too, though the batch itself answers 200.
    /// </summary>
    public static readonly Counter<long> Problems = CharityDayTelemetry.Meter.CreateCounter<long>(
        "charityday.api.problems", "{problem}", "Problem details answered (whole responses and batch items), by status and type.");

    /// <summary>
    /// Always 1, tagged with the version: the Prometheus build-info idiom. It also means a freshly
    /// started silo exports a CharityDay series before its first donation, so a scrape can tell
    /// "no traffic yet" from "our meter is not wired".
    /// </summary>
    public static readonly ObservableGauge<int> BuildInfo = CharityDayTelemetry.Meter.CreateObservableGauge(
        "charityday.build.info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", Version)),
        description: "Always 1; the version tag names the running build.");

    /// <summary>Creates the instruments now rather than on first use.</summary>
    public static void Register() => _ = (Problems, BuildInfo);
}
