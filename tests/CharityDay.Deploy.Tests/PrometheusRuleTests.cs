using System.Diagnostics;

namespace CharityDay.Deploy.Tests;

/// <summary>The PrometheusRule in k8s/monitoring is ops/prometheus/charityday-alerts.yml, generated, never edited by hand.</summary>
public sealed class PrometheusRuleTests
{
    [Fact]
    public void The_committed_rule_has_exactly_the_groups_of_ops_prometheus()
    {
        var source = Yaml.Document(File.ReadAllText(Repo.PathOf("ops", "prometheus", "charityday-alerts.yml")));
        var rule = Yaml.Document(File.ReadAllText(Repo.PathOf("k8s", "monitoring", "prometheusrule.yaml")));
        Assert.Equal("PrometheusRule", (string?)rule["kind"]);
        Assert.Equal("monitoring.coreos.com/v1", (string?)rule["apiVersion"]);
        Assert.True(JsonNode.DeepEquals(source["groups"], rule["spec"]!["groups"]),
            "k8s/monitoring/prometheusrule.yaml differs from ops/prometheus/charityday-alerts.yml: run python3 ops/prometheus/generate-prometheusrule.py");
    }

    [Fact]
    public async Task The_generator_check_passes_on_the_committed_file()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Repo.PathOf("ops", "prometheus", "generate-prometheusrule.py"));
        start.ArgumentList.Add("--check");
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
    }

    [Fact]
    public async Task The_production_overlay_carries_the_rule()
    {
        var manifests = await Kubectl.RenderAsync("production");
        var rendered = manifests.Get("PrometheusRule", "charityday");
        var source = Yaml.Document(File.ReadAllText(Repo.PathOf("ops", "prometheus", "charityday-alerts.yml")));
        Assert.True(JsonNode.DeepEquals(source["groups"], rendered["spec"]!["groups"]));
    }
}
