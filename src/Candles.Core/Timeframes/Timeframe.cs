using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Candles.Core.Timeframes;

/// <summary>
/// A bar length: <c>Nm</c> (N = 1..1440) and <c>Nh</c> (N = 1..24) are intraday and anchored to the UTC
/// day; <c>1d</c>, <c>1w</c> (from Monday) and <c>1M</c> (from the 1st) are calendar bars in a time zone.
/// Lower-case <c>m</c> is minute, upper-case <c>M</c> is month.
/// </summary>
public readonly record struct Timeframe
{
    public const long MinuteMs = 60_000;
    public const long HourMs = 60 * MinuteMs;
    public const long DayMs = 24 * HourMs;

    private Timeframe(TimeframeUnit unit, int count)
    {
        Unit = unit;
        Count = count;
    }

    public static Timeframe OneMinute { get; } = new(TimeframeUnit.Minute, 1);

    public TimeframeUnit Unit { get; }

    public int Count { get; }

    /// <summary>True for minute and hour timeframes, whose bars are fixed lengths from UTC midnight.</summary>
    public bool IsIntraday => Unit is TimeframeUnit.Minute or TimeframeUnit.Hour;

    /// <summary>The nominal length of an intraday bar; the last bar of a UTC day may be cut shorter.</summary>
    public long LengthMs => Unit switch
    {
        TimeframeUnit.Minute => Count * MinuteMs,
        TimeframeUnit.Hour => Count * HourMs,
        _ => throw new InvalidOperationException($"{this} is a calendar timeframe and has no fixed length"),
    };

    /// <summary>The canonical name, e.g. <c>15m</c>, <c>4h</c>, <c>1d</c>, <c>1w</c>, <c>1M</c>.</summary>
    public string Name => Count.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        TimeframeUnit.Minute => "m",
        TimeframeUnit.Hour => "h",
        TimeframeUnit.Day => "d",
        TimeframeUnit.Week => "w",
        _ => "M",
    };

    /// <summary>Parses a timeframe name; anything but the forms above is refused with the reason.</summary>
    public static bool TryParse(string? text, out Timeframe timeframe, [NotNullWhen(false)] out string? error)
    {
        timeframe = default;
        error = null;
        if (string.IsNullOrEmpty(text) || text.Length > 5)
        {
            error = $"timeframe '{text}' is not one of Nm (1..1440), Nh (1..24), 1d, 1w, 1M";
            return false;
        }

        var digits = text.AsSpan(0, text.Length - 1);
        var valid = digits.Length > 0 && digits[0] != '0' && !digits.ContainsAnyExceptInRange('0', '9');
        var count = valid ? int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        (TimeframeUnit unit, int max)? form = text[^1] switch
        {
            'm' => (TimeframeUnit.Minute, 1440),
            'h' => (TimeframeUnit.Hour, 24),
            'd' => (TimeframeUnit.Day, 1),
            'w' => (TimeframeUnit.Week, 1),
            'M' => (TimeframeUnit.Month, 1),
            _ => null,
        };

        if (!valid || form is null || count > form.Value.max)
        {
            error = $"timeframe '{text}' is not one of Nm (1..1440), Nh (1..24), 1d, 1w, 1M";
            return false;
        }

        timeframe = new Timeframe(form.Value.unit, count);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the reason.</summary>
    public static Timeframe Parse(string text) =>
        TryParse(text, out var timeframe, out var error) ? timeframe : throw new FormatException(error);

    public override string ToString() => Name;
}
