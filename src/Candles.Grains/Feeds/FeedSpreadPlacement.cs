using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Candles.Grains.Feeds;

/// <summary>
/// Places feed connectors <c>venue/shard/replica</c> on the compatible silos in address order: a shard's
/// replicas go to consecutive silos, so A and B never share one while there are two.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.FeedSpreadPlacement")]
public sealed class FeedSpreadPlacement : PlacementStrategy
{
    internal static FeedSpreadPlacement Instance { get; } = new();

    /// <summary>
    /// The silos a connector may be placed on: active in the membership, and known to this silo's cluster manifest (the
    /// placement refuses a silo whose manifest it has not fetched yet). <c>FeedGrain</c> and the placement director both
    /// choose among these, so they agree, and a connector moves only once its new home can take it.
    /// </summary>
    internal static List<SiloAddress> Candidates(IClusterMembershipService membership, IEnumerable<SiloAddress> known)
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
        return [.. known.Where(active.Contains)];
    }

    /// <summary>The silo a connector belongs on among <paramref name="silos"/>, or null when there is none.</summary>
    internal static SiloAddress? Choose(string key, IEnumerable<SiloAddress> silos)
    {
        var ordered = silos.Order().ToArray();
        if (ordered.Length == 0)
        {
            return null;
        }

        var parts = key.Split('/');
        var replica = parts.Length == 3 && parts[2].Length == 1 ? Math.Max(0, parts[2][0] - 'A') : 0;
        var shard = parts.Length == 3 ? $"{parts[0]}/{parts[1]}" : key;
        var start = (int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(shard)) % (uint)ordered.Length);
        return ordered[(start + replica) % ordered.Length];
    }
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class FeedSpreadPlacementAttribute() : PlacementAttribute(FeedSpreadPlacement.Instance);

/// <summary>
/// Chooses among <see cref="FeedSpreadPlacement.Candidates"/>, as <c>FeedGrain</c> does when it checks where it
/// belongs: were the two views to differ, a connector would stop and start again on the same silo every check. A
/// connector that moves names its new home in the placement hint, which comes first. The runtime's own list of
/// compatible silos is not used while there are candidates: Orleans 10.4 can keep a stale copy of it after a silo
/// joins (fixed upstream later), which placed a connector back on the silo it had just left, for minutes.
/// </summary>
internal sealed class FeedSpreadPlacementDirector(IClusterMembershipService membership, IClusterManifestProvider manifests) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var candidates = FeedSpreadPlacement.Candidates(membership, manifests.Current.Silos.Keys);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, [.. candidates]) is { } hint)
        {
            return Task.FromResult(hint);
        }

        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        return Task.FromResult(FeedSpreadPlacement.Choose(key, candidates.Count > 0 ? candidates : context.GetCompatibleSilos(target))
            ?? throw new OrleansException("no silo to place a feed connector on"));
    }
}
