using System.Net;
using CharityDay.Host;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CharityDay.Deploy.Tests;

/// <summary>Where the silo listens: loopback in the embedded profile, the pod's IP under Kubernetes hosting.</summary>
public sealed class HostNetworkTests
{
    private static EndpointOptions Endpoints(Action<ISiloBuilder> configure)
    {
        using var host = new HostBuilder().UseOrleans(configure).Build();
        return host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
    }

    [Fact]
    public void The_embedded_profile_listens_on_loopback_only_with_the_gateway_closed()
    {
        var options = new CharityDayOptions { SiloPort = 21111 };
        var endpoints = Endpoints(silo => SiloNetwork.ConfigureEndpoints(silo, options));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 21111), endpoints.SiloListeningEndpoint);
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Null(endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public void An_embedded_gateway_when_asked_for_also_listens_on_loopback()
    {
        var options = new CharityDayOptions { SiloPort = 21112, GatewayPort = 31112 };
        var endpoints = Endpoints(silo => SiloNetwork.ConfigureEndpoints(silo, options));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 31112), endpoints.GatewayListeningEndpoint);
    }

    [Theory]
    [InlineData("Production", "silo-0", "charityday", "10.1.2.3", true)]
    [InlineData("Embedded", "silo-0", "charityday", "10.1.2.3", false)]
    [InlineData("Production", null, "charityday", "10.1.2.3", false)]
    [InlineData("Production", "silo-0", null, "10.1.2.3", false)]
    [InlineData("Production", "silo-0", "charityday", null, false)]
    [InlineData("Production", "silo-0", "charityday", "not-an-ip", false)]
    public void Kubernetes_hosting_applies_only_to_the_production_profile_in_a_pod(string profile, string? pod, string? ns, string? ip, bool applies)
    {
        var environment = new Dictionary<string, string?>
        {
            [KubernetesHosting.PodNameVariable] = pod,
            [KubernetesHosting.PodNamespaceVariable] = ns,
            [KubernetesHosting.PodIpVariable] = ip,
        };
        Assert.Equal(applies, KubernetesHosting.Applies(new CharityDayOptions { Profile = profile }, name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void Outside_a_pod_the_production_endpoints_are_left_as_SiloNetwork_chose()
    {
        // The test process has no POD_* variables (and must not: that would be the Kubernetes path).
        Assert.Null(Environment.GetEnvironmentVariable(KubernetesHosting.PodNameVariable));
        var options = new CharityDayOptions { Profile = "Production", SiloPort = 21113 };
        var endpoints = Endpoints(silo =>
        {
            SiloNetwork.ConfigureEndpoints(silo, options);
            silo.UseKubernetesHostingInPod(options);
        });
        Assert.Equal(21113, endpoints.SiloPort);
        Assert.Null(endpoints.SiloListeningEndpoint);
    }
}
