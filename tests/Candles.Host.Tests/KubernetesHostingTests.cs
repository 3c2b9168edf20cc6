using System.Net;
using Candles.Host.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Candles.Host.Tests;

/// <summary>
/// A silo with <c>Candles:Silo:Kubernetes</c> on is hosted by Orleans' Kubernetes package: its name, namespace, address
/// and ids come from the pod (as the downward API gives them in <c>infra/k8s</c>), not from our own settings. The
/// agent that talks to the Kubernetes API is not started here: there is no API server on this machine.
/// </summary>
public sealed class KubernetesHostingTests
{
    private static readonly Dictionary<string, string> Pod = new()
    {
        [KubernetesHostingOptions.PodNameEnvironmentVariable] = "candles-silo-7d9f4-x2k8q",
        [KubernetesHostingOptions.PodNamespaceEnvironmentVariable] = "trading",
        [KubernetesHostingOptions.PodIPEnvironmentVariable] = "10.244.1.17",
        [KubernetesHostingOptions.ClusterIdEnvironmentVariable] = "prod-a",
        [KubernetesHostingOptions.ServiceIdEnvironmentVariable] = "prod-service",
    };

    private static IServiceProvider Services(bool kubernetes) => CandlesServer.Build(
    [
        "--Candles:Redis=127.0.0.1:1", "--Candles:Silo:ClusterId=ours", "--Candles:Silo:AdvertisedAddress=192.0.2.5",
        "--Candles:Silo:SiloPort=11112", "--Candles:Silo:GatewayPort=30002", $"--Candles:Silo:Kubernetes={kubernetes}",
    ]).Services;

    [Fact]
    public void ASiloOnKubernetesTakesItsNameAddressAndIdsFromThePod()
    {
        foreach (var (name, value) in Pod)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            var services = Services(kubernetes: true);
            var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
            Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
            Assert.Equal((11112, 30002), (endpoints.SiloPort, endpoints.GatewayPort));
            Assert.Equal(new IPEndPoint(IPAddress.Any, 11112), endpoints.SiloListeningEndpoint);
            var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
            Assert.Equal(("prod-a", "prod-service"), (cluster.ClusterId, cluster.ServiceId));
            Assert.Equal("candles-silo-7d9f4-x2k8q", services.GetRequiredService<IOptions<Orleans.Configuration.SiloOptions>>().Value.SiloName);
        }
        finally
        {
            foreach (var name in Pod.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Fact]
    public void ASiloOffKubernetesAdvertisesTheAddressAndIdsItIsGiven()
    {
        var services = Services(kubernetes: false);
        var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("192.0.2.5"), endpoints.AdvertisedIPAddress);
        Assert.Equal(("ours", "ours"), (services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId, services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11112), endpoints.SiloListeningEndpoint);
    }
}
