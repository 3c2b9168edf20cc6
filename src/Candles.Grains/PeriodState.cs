namespace Candles.Grains;

/// <summary>
/// How far a sealer has got: the end of the last sealed day (Unix ms), or null before the first seal; the open time
/// of the newest 1m bar it has heard of (kept up to date only while that bar's day is not sealed yet), or null; and the
/// newest 1m bar the retention had dropped when it first sealed, or null (see <see cref="DaySealer.LostThroughMs"/>).
/// </summary>
[GenerateSerializer, Alias("candles.PeriodState")]
public sealed class PeriodState
{
    [Id(0)]
    public long? SealedThroughMs { get; set; }

    [Id(1)]
    public long? LastBarMs { get; set; }

    [Id(2)]
    public long? LostThroughMs { get; set; }
}
