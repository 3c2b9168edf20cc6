namespace Candles.Grains;

/// <summary>How far a sealer has got: the end of the last sealed day (Unix ms), or null before the first seal.</summary>
[GenerateSerializer, Alias("candles.PeriodState")]
public sealed class PeriodState
{
    [Id(0)]
    public long? SealedThroughMs { get; set; }
}
