using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Candles.Core.Timeframes;

namespace Candles.Gateway.Udf;

/// <summary>
/// TradingView's resolution notation: <c>N</c> minutes (1..1440), <c>1D</c>/<c>D</c>, <c>1W</c>/<c>W</c>, <c>1M</c>/<c>M</c>.
/// Whole hours are the hour timeframes REST and the live protocol use (<c>60</c> is <c>1h</c>), and <c>1440</c> is
/// <c>1d</c>, which reads the sealed days where the 1m history no longer reaches. Multi-day, seconds and tick resolutions
/// are refused, as no such timeframe exists here.
/// </summary>
public static class UdfResolution
{
    /// <summary>The resolutions offered in the configuration; any other whole number of minutes works too.</summary>
    public static readonly string[] Supported = ["1", "3", "5", "15", "30", "60", "120", "240", "360", "720", "1D", "1W", "1M"];

    public static bool TryParse(string? resolution, out Timeframe timeframe, [NotNullWhen(false)] out string? error)
    {
        timeframe = default;
        var text = resolution?.Trim() ?? string.Empty;
        string? name = text switch
        {
            "D" or "1D" => "1d",
            "W" or "1W" => "1w",
            "M" or "1M" => "1M",
            _ when text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) => minutes switch
            {
                1440 => "1d",
                > 0 and < 1440 when minutes % 60 == 0 => $"{minutes / 60}h",
                _ => $"{minutes}m",
            },
            _ => null,
        };
        if (name is null || !Timeframe.TryParse(name, out timeframe, out _))
        {
            error = $"resolution '{resolution}' is not minutes (1 to 1440), 1D, 1W or 1M";
            return false;
        }

        error = null;
        return true;
    }
}
