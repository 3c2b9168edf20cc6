namespace Candles.Abstractions.Wire;

/// <summary>
/// What became of a batch of ticks: every tick is counted under exactly one outcome. <see cref="OutOfBounds"/>
/// counts ticks refused for their time (before 2009, in nanoseconds, or too far past the clock; see TickTime).
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.IngestReport")]
public sealed record IngestReport(
    [property: Id(0)] int Received,
    [property: Id(1)] int Applied,
    [property: Id(2)] int Amended,
    [property: Id(3)] int Duplicates,
    [property: Id(4)] int TooOld,
    [property: Id(5)] int OutOfBounds = 0)
{
    public static IngestReport Empty { get; } = new(0, 0, 0, 0, 0);

    public IngestReport Add(IngestReport other) => new(
        Received + other.Received, Applied + other.Applied, Amended + other.Amended, Duplicates + other.Duplicates, TooOld + other.TooOld,
        OutOfBounds + other.OutOfBounds);
}
