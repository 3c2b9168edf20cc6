namespace Candles.Core.Ticks;

/// <summary>
/// The event times a tick may carry: not before 2009 (no exchange traded what we chart earlier, and a time near
/// zero is a unit or parsing mistake), and not further past the receiver's clock than a small skew. One tick from
/// the year 2100 would otherwise move the watermark decades ahead, trim the whole history and make every real
/// tick "too old".
/// </summary>
public static class TickTime
{
    /// <summary>2009-01-01T00:00:00Z in Unix microseconds.</summary>
    public const long EarliestUs = 1_230_768_000_000_000;

    /// <summary>
    /// Unix microseconds stay below this until the year 5138; a time at or above it is in nanoseconds (today about
    /// 1.7e18), which are refused rather than read as microseconds.
    /// </summary>
    public const long NanosecondThreshold = 100_000_000_000_000_000;

    /// <summary>The latest time accepted at wall clock <paramref name="nowUs"/> (<see cref="Accepted"/>).</summary>
    public static long LatestUs(long nowUs, TimeSpan maxFutureSkew) => nowUs + (maxFutureSkew.Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>Whether <paramref name="timeUs"/> is accepted, given the <see cref="LatestUs"/> of the clock; <see cref="Refusal"/> says why not.</summary>
    public static bool Accepted(long timeUs, long latestUs) => timeUs >= EarliestUs && timeUs <= latestUs && timeUs < NanosecondThreshold;

    /// <summary>Why <paramref name="timeUs"/> is refused at wall clock <paramref name="nowUs"/>, or null if it is accepted.</summary>
    public static string? Refusal(long timeUs, long nowUs, TimeSpan maxFutureSkew)
    {
        if (Accepted(timeUs, LatestUs(nowUs, maxFutureSkew)))
        {
            return null;
        }

        if (timeUs >= NanosecondThreshold)
        {
            return $"time {timeUs} looks like Unix nanoseconds; give Unix milliseconds or microseconds";
        }

        if (timeUs < EarliestUs)
        {
            return $"time {Text(timeUs)} is before 2009-01-01";
        }

        var skewUs = (long)(maxFutureSkew.Ticks / TimeSpan.TicksPerMicrosecond);
        return timeUs - nowUs > skewUs
            ? $"time {Text(timeUs)} is more than {maxFutureSkew} past the service's clock ({Text(nowUs)})"
            : null;
    }

    private static string Text(long unixUs) =>
        unixUs / 1000 is var ms && ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : $"{unixUs} µs";
}
