using System.Diagnostics.Metrics;
using CharityDay.Contracts.Telemetry;
using CharityDay.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>The pool gauges through an in-memory exporter: names, unit, tags, and who may remove a campaign's series.</summary>
public sealed class PoolGaugeRegistryTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<Metric> _exported = [];
    private readonly MeterProvider _provider;
    private readonly PoolGaugeRegistry _registry;

    public PoolGaugeRegistryTests()
    {
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(CharityDayTelemetry.Name).AddInMemoryExporter(_exported).Build();
        _registry = new PoolGaugeRegistry(_services.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public void Each_pool_is_reported_in_fen_under_its_campaign_and_pool_tags()
    {
        _registry.Publish("c1", new object(), [new PoolBalance("p1", 1_000, 300, 700, 120), new PoolBalance("p2", 50, 50, 0, 0)]);
        _registry.Publish("c2", new object(), [new PoolBalance("p1", 9, 1, 8, 1)]);

        var points = Collect();

        Assert.Equal(new[] { CharityDayTelemetry.PoolBudget, CharityDayTelemetry.PoolMatched, CharityDayTelemetry.PoolMatchedToday, CharityDayTelemetry.PoolRemaining },
            points.Select(p => p.Metric).Distinct().Order());
        Assert.All(_exported, m => Assert.Equal(("fen", MetricType.LongGauge), (m.Unit, m.MetricType)));
        Assert.Equal(1_000, points.Single(p => p is { Metric: CharityDayTelemetry.PoolBudget, Campaign: "c1", Pool: "p1" }).Value);
        Assert.Equal(300, points.Single(p => p is { Metric: CharityDayTelemetry.PoolMatched, Campaign: "c1", Pool: "p1" }).Value);
        Assert.Equal(700, points.Single(p => p is { Metric: CharityDayTelemetry.PoolRemaining, Campaign: "c1", Pool: "p1" }).Value);
        Assert.Equal(120, points.Single(p => p is { Metric: CharityDayTelemetry.PoolMatchedToday, Campaign: "c1", Pool: "p1" }).Value);
        Assert.Equal(0, points.Single(p => p is { Metric: CharityDayTelemetry.PoolRemaining, Campaign: "c1", Pool: "p2" }).Value);
        Assert.Equal(8, points.Single(p => p is { Metric: CharityDayTelemetry.PoolRemaining, Campaign: "c2", Pool: "p1" }).Value);
        Assert.Equal(12, points.Count);
    }

    [Fact]
    public void A_campaign_leaves_the_gauges_when_its_activation_goes_but_not_when_an_older_one_does()
    {
        object oldActivation = new(), newActivation = new();
        _registry.Publish("c1", oldActivation, [new PoolBalance("p1", 1_000, 300, 700, 120)]);
        // The campaign moved: a new activation publishes, then the old one's deactivation arrives.
        _registry.Publish("c1", newActivation, [new PoolBalance("p1", 1_000, 400, 600, 220)]);
        _registry.Remove("c1", oldActivation);

        Assert.Equal(600, Collect().Single(p => p.Metric == CharityDayTelemetry.PoolRemaining).Value);

        _registry.Remove("c1", newActivation);
        Assert.Empty(Collect());
        Assert.Empty(_registry.Get("c1"));
    }

    private List<(string Metric, string Campaign, string Pool, long Value)> Collect()
    {
        _exported.Clear();
        _provider.ForceFlush();
        // The registry's gauges only: other instruments of the CharityDay meter (e.g. a silo-wide
        // observable gauge another test in this process created) are not its business.
        _exported.RemoveAll(m => !m.Name.StartsWith("charityday.pool.", StringComparison.Ordinal));
        var points = new List<(string, string, string, long)>();
        foreach (var metric in _exported)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                string campaign = "", pool = "";
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "campaign")
                    {
                        campaign = (string)tag.Value!;
                    }
                    else if (tag.Key == "pool")
                    {
                        pool = (string)tag.Value!;
                    }
                }
                points.Add((metric.Name, campaign, pool, point.GetGaugeLastValueLong()));
            }
        }
        return points;
    }

    public void Dispose()
    {
        _provider.Dispose();
        _services.Dispose();
    }
}
