namespace Candles.Abstractions.Wire;

/// <summary>
/// Bars with <c>FromMs &lt;= open time &lt; ToMs</c>. With a start given, the first <see cref="Limit"/> bars from it;
/// without one (<see cref="long.MinValue"/>), the last <see cref="Limit"/> bars before the end.
/// <see cref="FootprintStepTicks"/> null leaves footprints out; otherwise they are grouped on that grid.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.BarsQuery")]
public sealed record BarsQuery(
    [property: Id(0)] long FromMs,
    [property: Id(1)] long ToMs,
    [property: Id(2)] int Limit,
    [property: Id(3)] long? FootprintStepTicks)
{
    public bool HasStart => FromMs != long.MinValue;
}
