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

    /// <summary>
    /// Orleans' Kubernetes hosting (cluster mode): the silo takes its name, namespace and advertised address from the pod
    /// (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>) and its cluster and service ids from <c>ORLEANS_CLUSTER_ID</c>
    /// and <c>ORLEANS_SERVICE_ID</c>, in place of <see cref="AdvertisedAddress"/> and <see cref="ClusterId"/>; a silo whose
    /// pod Kubernetes deletes is declared dead at once, without waiting for missed probes. The pod's service account must
    /// be allowed to get, list, watch and patch pods (<c>infra/k8s/base/rbac.yaml</c>).
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// How long a grain may sit unused before it is deactivated and its memory given back (an instrument nobody trades
    /// or reads keeps only its state in Redis). At least 10 seconds; Orleans' own default is 15 minutes.
    /// </summary>
    public TimeSpan IdleDeactivation { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How often the silo checks whether a burst of ingest (a replay, a backfill) left the collector holding memory the
    /// process no longer uses, and gives it back (<see cref="Operations.MemoryRelease"/>). Zero turns it off; at most a day.
    /// </summary>
    public TimeSpan MemoryReleaseCheck { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Whether the simulated SIM: feed runs (default: in embedded mode only).</summary>
    public bool? Simulator { get; set; }

    /// <summary>
    /// How much made-up history the simulated feed writes before it goes live, so a new chart has bars to show: a
    /// trade moment a second up to now, into instruments that hold no trades yet. Zero writes none; at most the 1m
    /// retention is worth it.
    /// </summary>
    public TimeSpan SimulatorHistory { get; set; } = TimeSpan.FromHours(12);
}
