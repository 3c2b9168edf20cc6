using System.Globalization;

namespace Candles.Host.Cli;

/// <summary>A duration option's value: a number with a unit, <c>200ms</c>, <c>0.5s</c>, <c>30s</c>, <c>2m</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration, out string error)
    {
        duration = default;
        error = string.Empty;
        var (number, unit) = text switch
        {
            null => (null, TimeSpan.Zero),
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], TimeSpan.FromMilliseconds(1)),
            _ when text.EndsWith('s') => (text[..^1], TimeSpan.FromSeconds(1)),
            _ when text.EndsWith('m') => (text[..^1], TimeSpan.FromMinutes(1)),
            _ => (null, TimeSpan.Zero),
        };
        if (number is null || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
        {
            error = $"'{text}' is not a duration such as 200ms, 0.5s or 2m";
            return false;
        }

        if (count * unit.TotalDays > 1)
        {
            error = $"'{text}' is longer than a day";
            return false;
        }

        duration = unit * count;
        return true;
    }
}
