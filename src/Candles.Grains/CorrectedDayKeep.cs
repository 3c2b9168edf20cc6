namespace Candles.Grains;

/// <summary>
/// The corrected sealed days an instrument keeps past its 1m retention so that its sealers can re-seal them whole, each
/// for <paramref name="hold"/> after its last correction: a later call's trades would otherwise cut such a day first, and
/// a day the retention cut into can never be sealed again. Held by the activation only.
/// </summary>
internal sealed class CorrectedDayKeep(TimeProvider clock, TimeSpan hold)
{
    private readonly Dictionary<long, DateTimeOffset> _until = [];

    /// <summary>Keeps the day opening at <paramref name="dayStartMs"/> (its earliest start over the sealed zones) for the hold from now.</summary>
    public void Keep(long dayStartMs) => _until[dayStartMs] = clock.GetUtcNow() + hold;

    /// <summary>Lets the days whose hold is over go; the open time of the earliest day still kept (long.MinValue: none).</summary>
    public long KeptFromMs()
    {
        var now = clock.GetUtcNow();
        var earliest = long.MinValue;
        foreach (var (day, until) in _until)
        {
            if (until <= now)
            {
                _until.Remove(day);
            }
            else if (earliest == long.MinValue || day < earliest)
            {
                earliest = day;
            }
        }

        return earliest;
    }
}
