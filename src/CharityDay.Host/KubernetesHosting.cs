using System.Net;
using Orleans.Configuration;

namespace CharityDay.Host;

/// <summary>
/// Orleans on Kubernetes (Microsoft.Orleans.Hosting.Kubernetes): the silo is named after its pod,
/// advertises the pod's IP, and two silos watch the API server's pods, so a silo whose pod is deleted
/// (a drained or lost node) is declared dead at once rather than after missed probes. It needs the
/// pod's name, namespace and IP from the downward API (POD_NAME, POD_NAMESPACE, POD_IP: k8s/base), a
/// ServiceAccount allowed to get/list/watch/patch pods, and the pod labels orleans/serviceId and
/// orleans/clusterId (the agent selects its cluster's pods by them). Only the Production profile in
/// a pod turns it on: the embedded default and a cluster run by hand stay as they are.
/// </summary>
public static class KubernetesHosting
{
    public const string PodNameVariable = "POD_NAME";
    public const string PodNamespaceVariable = "POD_NAMESPACE";
    public const string PodIpVariable = "POD_IP";

    /// <summary>True when the Production profile runs in a pod that was given its name, namespace and IP.</summary>
    public static bool Applies(CharityDayOptions options, Func<string, string?> environment) =>
        options.IsProduction
        && !string.IsNullOrEmpty(environment(PodNameVariable))
        && !string.IsNullOrEmpty(environment(PodNamespaceVariable))
        && IPAddress.TryParse(environment(PodIpVariable), out _);

    public static void UseKubernetesHostingInPod(this ISiloBuilder silo, CharityDayOptions options)
    {
        if (!Applies(options, Environment.GetEnvironmentVariable))
        {
            return;
        }
        var podIp = IPAddress.Parse(Environment.GetEnvironmentVariable(PodIpVariable)!);
        silo.UseKubernetesHosting();
        // The pod's IP, not the first interface address SiloNetwork found: it is the address the
        // other pods (and the NetworkPolicy) know this silo by. The listening endpoints stay on it too.
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.AdvertisedIPAddress = podIp;
            endpoints.SiloListeningEndpoint = new IPEndPoint(podIp, options.SiloPort);
            if (options.GatewayPort > 0)
            {
                endpoints.GatewayListeningEndpoint = new IPEndPoint(podIp, options.GatewayPort);
            }
        });
    }
}
