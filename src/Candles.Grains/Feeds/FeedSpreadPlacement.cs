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
/// Chooses among the silos the membership lists as active, as <c>FeedGrain</c> does when it checks where it belongs:
/// with the placement's own view (silos whose grain manifests this silo has fetched) the two could disagree for
/// as long as a manifest is missing, and a connector would stop and start again on the same silo every check.
/// </summary>
internal sealed class FeedSpreadPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        return Task.FromResult(FeedSpreadPlacement.Choose(key, active.Count > 0 ? active : context.GetCompatibleSilos(target))
            ?? throw new OrleansException("no silo to place a feed connector on"));
    }
}
