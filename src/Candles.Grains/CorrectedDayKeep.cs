namespace Candles.Grains;

/// <summary>
/// The corrected sealed days an instrument keeps past its 1m retention so that its sealers can re-seal them whole, each
/// for <paramref name="hold"/> after its last correction: a later call's trades would otherwise cut such a day first, and
/// a day the retention cut into can never be sealed again. The holds are committed with the 1m history's checkpoint, so
/// a new activation resumes them with the time they had left instead of starting them again.
/// </summary>
internal sealed class CorrectedDayKeep(TimeProvider clock, TimeSpan hold)
{
    private readonly Dictionary<long, long> _untilMs = [];

    /// <summary>Keeps the day opening at <paramref name="dayStartMs"/> (its earliest start over the sealed zones) for the hold from now.</summary>
    public void Keep(long dayStartMs) => _untilMs[dayStartMs] = (clock.GetUtcNow() + hold).ToUnixTimeMilliseconds();

    /// <summary>Takes over the holds a checkpoint carried, those not over yet with the time they had left.</summary>
    public void Resume(IReadOnlyList<(long DayStartMs, long UntilMs)> held)
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (day, untilMs) in held)
        {
            if (untilMs > nowMs && (!_untilMs.TryGetValue(day, out var current) || current < untilMs))
            {
                _untilMs[day] = untilMs;
            }
        }
    }

    /// <summary>The holds as a checkpoint carries them; nothing allocated when there are none (every commit asks).</summary>
    public IReadOnlyList<(long DayStartMs, long UntilMs)> Held() => _untilMs.Count == 0 ? [] : [.. _untilMs.Select(h => (h.Key, h.Value))];

    /// <summary>Lets the days whose hold is over go; the open time of the earliest day still kept (long.MinValue: none).</summary>
    public long KeptFromMs()
    {
        var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var earliest = long.MinValue;
        foreach (var (day, untilMs) in _untilMs)
        {
            if (untilMs <= nowMs)
            {
                _untilMs.Remove(day);
            }
            else if (earliest == long.MinValue || day < earliest)
            {
                earliest = day;
            }
        }

        return earliest;
    }
}
