namespace CharityDay.Deploy.Tests;

/// <summary>What matters in the rendered production overlay, checked against the other objects it must agree with.</summary>
public sealed class ProductionOverlayTests
{
    private static readonly Lazy<Task<Manifests>> Rendered = new(() => Kubectl.RenderAsync("production"));

    private static async Task<(Manifests All, JsonObject Pod, JsonObject Silo, JsonObject Config)> LoadAsync()
    {
        var manifests = await Rendered.Value;
        var deployment = manifests.Get("Deployment", "charityday");
        var config = manifests.Get("ConfigMap", "charityday")["data"]!.AsObject();
        return (manifests, deployment["spec"]!["template"]!.AsObject(), OverlayTests.SiloContainer(manifests), config);
    }

    private static Dictionary<string, string> Labels(JsonNode? labels) =>
        labels?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];

    /// <summary>A matchLabels selector selects a pod when every one of its labels is on the pod.</summary>
    private static bool Selects(JsonNode? matchLabels, Dictionary<string, string> podLabels) =>
        matchLabels is JsonObject m && m.Count > 0 && m.All(p => podLabels.TryGetValue(p.Key, out var v) && v == (string)p.Value!);

    private static int ContainerPort(JsonObject container, string name) =>
        int.Parse((string)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!);

    private static int PortOfUrl(string url) => new Uri(url.Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;

    [Fact]
    public async Task Redis_is_in_the_cluster_and_every_silo_is_given_its_address()
    {
        var (manifests, _, silo, config) = await LoadAsync();
        var redis = manifests.Get("StatefulSet", "charityday-redis");
        var service = manifests.Get("Service", "charityday-redis");
        var connection = (string)config["ConnectionStrings__Redis"]!;
        var endpoint = connection.Split(',')[0];
        Assert.Equal($"{service["metadata"]!["name"]}:{service["spec"]!["ports"]![0]!["port"]}", endpoint);
        Assert.True(Selects(service["spec"]!["selector"], Labels(redis["spec"]!["template"]!["metadata"]!["labels"])));
        // Persistence off: no volume claims, and Redis told not to save.
        Assert.Empty(redis["spec"]!["volumeClaimTemplates"]?.AsArray() ?? []);
        var args = redis["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Equal("", args[args.IndexOf("--save") + 1]);
        Assert.Equal("no", args[args.IndexOf("--appendonly") + 1]);
        Assert.Contains(silo["envFrom"]!.AsArray(), e => (string?)e!["configMapRef"]?["name"] == "charityday");
    }

    [Fact]
    public async Task Shutdown_drains_within_the_grace_period()
    {
        var (_, pod, _, config) = await LoadAsync();
        var drain = int.Parse((string)config["CharityDay__ShutdownDrainSeconds"]!);
        Assert.InRange(drain, 1, CharityDay.ServiceDefaults.ShutdownDrainOptions.MaxDrainSeconds);
        // The drain, then the host's bounded stop (30 s), must fit before the kubelet's SIGKILL.
        Assert.True(int.Parse((string)pod["spec"]!["terminationGracePeriodSeconds"]!) >= drain + 30);
    }

    [Fact]
    public async Task Probes_use_the_health_paths_on_the_management_port_the_host_listens_on()
    {
        var (_, _, silo, config) = await LoadAsync();
        var management = ContainerPort(silo, "management");
        Assert.Equal(management, PortOfUrl((string)config["CharityDay__ManagementUrls"]!));
        Assert.Equal(ContainerPort(silo, "http"), PortOfUrl((string)config["ASPNETCORE_URLS"]!));
        Assert.Equal(ContainerPort(silo, "silo"), int.Parse((string)config["CharityDay__SiloPort"]!));
        foreach (var (probe, path) in new[] { ("startupProbe", "/health/startup"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
        {
            var get = silo[probe]?["httpGet"] ?? throw new Xunit.Sdk.XunitException($"no {probe}");
            Assert.Equal(path, (string)get["path"]!);
            Assert.Equal("management", (string)get["port"]!);
        }
    }

    [Fact]
    public async Task Network_policies_select_the_silos_and_let_only_silos_reach_the_silo_port()
    {
        var (manifests, pod, silo, config) = await LoadAsync();
        var podLabels = Labels(pod["metadata"]!["labels"]);
        var policy = manifests.Get("NetworkPolicy", "charityday-silo")["spec"]!;
        Assert.True(Selects(policy["podSelector"]!["matchLabels"], podLabels), "the silo NetworkPolicy does not select the Deployment's pods");
        var rules = policy["ingress"]!.AsArray();
        int[] Ports(JsonNode rule) => [.. rule["ports"]!.AsArray().Select(p => int.Parse((string)p!["port"]!))];

        // Each port has one rule, and every listening port of the silo is covered by one.
        var siloPort = ContainerPort(silo, "silo");
        var siloRule = Assert.Single(rules, r => Ports(r!).Contains(siloPort))!;
        Assert.Equal([siloPort], Ports(siloRule));
        var from = Assert.Single(siloRule["from"]!.AsArray())!;
        Assert.Null(from["namespaceSelector"]);
        Assert.True(Selects(from["podSelector"]!["matchLabels"], podLabels));
        Assert.Equal("silo", (string)from["podSelector"]!["matchLabels"]!["app.kubernetes.io/component"]!);
        Assert.False(config.ContainsKey("CharityDay__GatewayPort"), "the gateway is closed; opening it needs a NetworkPolicy rule for silos only");

        var http = Assert.Single(rules, r => Ports(r!).Contains(ContainerPort(silo, "http")))!;
        Assert.All(http["from"]!.AsArray(), f => Assert.Null(f!["podSelector"]));
        var metrics = Assert.Single(rules, r => Ports(r!).Contains(ContainerPort(silo, "management")))!;
        Assert.Equal("monitoring", (string)Assert.Single(metrics["from"]!.AsArray())!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]!);

        var redisPolicy = manifests.Get("NetworkPolicy", "charityday-redis")["spec"]!;
        var redisPod = Labels(manifests.Get("StatefulSet", "charityday-redis")["spec"]!["template"]!["metadata"]!["labels"]);
        Assert.True(Selects(redisPolicy["podSelector"]!["matchLabels"], redisPod));
        Assert.True(Selects(redisPolicy["ingress"]![0]!["from"]![0]!["podSelector"]!["matchLabels"], podLabels));
    }

    [Fact]
    public async Task Service_pdb_and_pod_monitor_select_the_silos()
    {
        var (manifests, pod, silo, _) = await LoadAsync();
        var podLabels = Labels(pod["metadata"]!["labels"]);
        Assert.True(Selects(manifests.Get("Service", "charityday")["spec"]!["selector"], podLabels));
        Assert.True(Selects(manifests.Get("PodDisruptionBudget", "charityday")["spec"]!["selector"]!["matchLabels"], podLabels));
        var monitor = manifests.Get("PodMonitor", "charityday")["spec"]!;
        Assert.True(Selects(monitor["selector"]!["matchLabels"], podLabels));
        var endpoint = Assert.Single(monitor["podMetricsEndpoints"]!.AsArray())!;
        Assert.Equal("/metrics", (string)endpoint["path"]!);
        ContainerPort(silo, (string)endpoint["port"]!);
        // The alert rules expect job="charityday": the PodMonitor takes the job from this pod label.
        Assert.Equal("charityday", podLabels[(string)monitor["jobLabel"]!]);
    }

    [Fact]
    public async Task Orleans_kubernetes_hosting_has_its_labels_pod_environment_and_role()
    {
        var (manifests, pod, silo, config) = await LoadAsync();
        var podLabels = Labels(pod["metadata"]!["labels"]);
        Assert.Equal((string)config["CharityDay__ServiceId"]!, podLabels["orleans/serviceId"]);
        Assert.Equal((string)config["CharityDay__ClusterId"]!, podLabels["orleans/clusterId"]);
        var env = silo["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.name", env[CharityDay.Host.KubernetesHosting.PodNameVariable]);
        Assert.Equal("metadata.namespace", env[CharityDay.Host.KubernetesHosting.PodNamespaceVariable]);
        Assert.Equal("status.podIP", env[CharityDay.Host.KubernetesHosting.PodIpVariable]);

        var account = (string)pod["spec"]!["serviceAccountName"]!;
        manifests.Get("ServiceAccount", account);
        var binding = Assert.Single(manifests.OfKind("RoleBinding"), b => b["subjects"]!.AsArray().Any(s => (string?)s!["name"] == account));
        var role = manifests.Get("Role", (string)binding["roleRef"]!["name"]!);
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(["get", "list", "patch", "watch"], rule["verbs"]!.AsArray().Select(v => (string)v!).Order());
    }

    [Fact]
    public async Task Silos_spread_over_nodes_and_zones_with_six_replicas_sized_as_measured()
    {
        var (manifests, pod, silo, _) = await LoadAsync();
        var podLabels = Labels(pod["metadata"]!["labels"]);
        Assert.Equal("6", (string)manifests.Get("Deployment", "charityday")["spec"]!["replicas"]!);
        var spread = pod["spec"]!["topologySpreadConstraints"]!.AsArray();
        Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], spread.Select(s => (string)s!["topologyKey"]!).Order());
        Assert.All(spread, s => Assert.True(Selects(s!["labelSelector"]!["matchLabels"], podLabels)));
        Assert.Equal("4", (string)silo["resources"]!["requests"]!["cpu"]!);
        Assert.Null(silo["resources"]!["limits"]!["cpu"]);
    }
}
