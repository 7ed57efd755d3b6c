namespace CharityDay.Deploy.Tests;

/// <summary>
/// Every overlay, rendered, validates against the Kubernetes OpenAPI schemas and the Prometheus
/// Operator CRD schemas offline (k8s/validate); and the validator rejects what a cluster would.
/// </summary>
public sealed class SchemaTests
{
    [Theory]
    [MemberData(nameof(OverlayTests.Overlays), MemberType = typeof(OverlayTests))]
    public async Task Every_object_of_the_rendered_overlay_validates_against_its_schema(string overlay)
    {
        var rendered = await Kubectl.KustomizeAsync(Repo.PathOf("k8s", "overlays", overlay));
        var objects = Yaml.Documents(rendered);

        var result = await SchemaValidator.RunAsync(rendered);

        Assert.True(result.ExitCode == 0, $"{overlay}: the schema check failed ({result.ExitCode}):\n{result.Output}");
        // Every object was checked against a schema, the custom resources included.
        Assert.Contains($"{objects.Count} valid, 0 invalid", result.Stdout);
        foreach (var o in objects)
        {
            Assert.Contains($"({Manifests.Describe(o)}) {o["apiVersion"]}", result.Stdout);
        }
    }

    [Fact]
    public async Task The_production_overlay_has_custom_resources_that_are_checked_against_the_operators_schemas()
    {
        var result = await SchemaValidator.RunAsync(await Kubectl.KustomizeAsync(Repo.PathOf("k8s", "overlays", "production")));

        Assert.Contains("(PodMonitor/charityday) monitoring.coreos.com/v1", result.Stdout);
        Assert.Contains("(PrometheusRule/charityday) monitoring.coreos.com/v1", result.Stdout);
    }

    private const string GoodDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: good}
        spec:
          replicas: 2
          selector: {matchLabels: {app: x}}
          template:
            metadata: {labels: {app: x}}
            spec: {containers: [{name: c, image: "x:1"}]}
        """;

    [Fact]
    public async Task A_valid_deployment_passes() =>
        Assert.Equal(0, (await SchemaValidator.RunAsync(GoodDeployment)).ExitCode);

    public static TheoryData<string, string, string> Broken() => new()
    {
        { "replicas of the wrong type", GoodDeployment.Replace("replicas: 2", "replicas: two"), "/spec/replicas: must be integer" },
        { "a container without its required name", GoodDeployment.Replace("{name: c, image: \"x:1\"}", "{image: \"x:1\"}"), "/spec/template/spec/containers/0: must have required property name" },
        { "an unknown kind", "apiVersion: v1\nkind: Frobnicator\nmetadata: {name: f}\n", "unknown kind Frobnicator in v1" },
        { "a type that is not a resource", "apiVersion: apps/v1\nkind: DeploymentSpec\nmetadata: {name: s}\n", "unknown kind DeploymentSpec in apps/v1" },
        { "an unknown version", GoodDeployment.Replace("apps/v1", "apps/v9"), "unknown apiVersion apps/v9" },
        { "an unknown group", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "unknown apiVersion example.com/v1" },
        { "no kind", "apiVersion: v1\nmetadata: {name: k}\n", "has no kind" },
        { "a PodMonitor port of the wrong type", "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\nspec: {selector: {}, podMetricsEndpoints: [{port: 9090}]}\n", "/spec/podMetricsEndpoints/0/port: must be string" },
        { "a PrometheusRule without its rule expression", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec: {groups: [{name: g, rules: [{alert: A}]}]}\n", "/spec/groups/0/rules/0: must have required property expr" },
        { "not YAML", "a: [\n", "not YAML" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_document_fails_the_check_and_is_named(string what, string yaml, string error)
    {
        var result = await SchemaValidator.RunAsync(yaml);

        Assert.True(result.ExitCode != 0, $"{what} passed:\n{result.Output}");
        Assert.Contains(error, result.Stderr);
        Assert.Contains("INVALID stdin document 1", result.Stderr);
    }

    [Fact]
    public async Task One_broken_document_after_a_rendered_overlay_fails_the_whole_check_and_is_named()
    {
        var rendered = await Kubectl.KustomizeAsync(Repo.PathOf("k8s", "overlays", "staging"));
        var count = Yaml.Documents(rendered).Count;

        var result = await SchemaValidator.RunAsync(rendered + "---\n" + GoodDeployment.Replace("replicas: 2", "replicas: \"2\""));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"INVALID stdin document {count + 1} (Deployment/good)", result.Stderr);
        Assert.Contains($"{count} valid, 1 invalid", result.Stdout);
    }

    [Fact]
    public async Task No_documents_fail_the_check() =>
        Assert.NotEqual(0, (await SchemaValidator.RunAsync("---\n")).ExitCode);
}
