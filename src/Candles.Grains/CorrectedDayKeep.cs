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
        if (_until.Count == 0)
        {
            return long.MinValue;
        }

        var now = clock.GetUtcNow();
        var earliest = long.MaxValue;
        var anyOver = false;
        foreach (var (day, until) in _until)
        {
            anyOver |= until <= now;
            earliest = until > now ? Math.Min(earliest, day) : earliest;
        }

        if (anyOver)
        {
            _until.Where(day => day.Value <= now).Select(day => day.Key).ToList().ForEach(day => _until.Remove(day));
        }

        return _until.Count == 0 ? long.MinValue : earliest;
    }
}
