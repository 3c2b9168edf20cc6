namespace Candles.Host.Serving;

/// <summary>
/// How this process joins the cluster: section <c>Candles:Silo</c>. Embedded mode uses localhost clustering
/// with these ports; cluster mode (Redis configured) advertises <see cref="AdvertisedAddress"/> on them.
/// </summary>
public sealed class SiloOptions
{
    public const string Section = "Candles:Silo";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; default the loopback, right for several processes on one machine.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Cluster and service id: silos with the same ids form one cluster.</summary>
    public string ClusterId { get; set; } = "candles";

    /// <summary>Whether the simulated SIM: feed runs (default: in embedded mode only).</summary>
    public bool? Simulator { get; set; }
}
