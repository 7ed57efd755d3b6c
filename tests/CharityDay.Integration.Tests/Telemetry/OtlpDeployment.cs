using System.Globalization;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>
/// The embedded host with the standard OTLP variables pointing at an <see cref="OtlpReceiver"/>,
/// as an operator would point it at a collector. Short export intervals keep the tests quick.
/// </summary>
public sealed class OtlpDeployment : Deployment
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("charityday-otlp-").FullName;

    public OtlpReceiver Receiver { get; } = new();

    public override string Profile => "Embedded";

    public HostProcess Host => Hosts[0];

    public override async Task InitializeAsync()
    {
        var host = new HostProcess("otlp", new Dictionary<string, string>
        {
            ["CharityDay__DataDir"] = DataDir,
            ["CharityDay__BootstrapManagerKey"] = ManagerKey,
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        Hosts.Add(host);
        await host.StartAsync();
    }

    protected override async Task CleanUpAsync()
    {
        await Receiver.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class OtlpCollection : ICollectionFixture<OtlpDeployment>
{
    public const string Name = "telemetry-otlp";
}
