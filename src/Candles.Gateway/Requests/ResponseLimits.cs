using Candles.Core.Bars;
using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Requests;

/// <summary>How big one footprint or heatmap answer may be, on every transport.</summary>
public static class ResponseLimits
{
    /// <summary><c>too_many_levels</c> (413) if <paramref name="bars"/> carry more than <paramref name="maxLevels"/> price levels, else null.</summary>
    public static RequestError? TooManyLevels(IEnumerable<Bar> bars, int maxLevels)
    {
        var levels = bars.Sum(b => (long)b.Footprint.Levels.Length);
        return levels <= maxLevels ? null : new RequestError(
            "too_many_levels",
            $"the answer would carry {levels} price levels, more than {maxLevels}: ask for fewer bars (limit, from/to) or a coarser step",
            StatusCodes.Status413PayloadTooLarge);
    }
}
