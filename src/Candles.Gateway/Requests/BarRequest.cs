using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Gateway.Options;
using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Requests;

/// <summary>A validated bars request: instrument, timeframe, zone, [from, to), limit and footprint step.</summary>
public sealed record BarRequest(Instrument Instrument, Timeframe Timeframe, string Zone, BarsQuery Query)
{
    /// <summary>
    /// Reads and checks the query string; on any problem returns the 400/404 to send instead. <paramref name="step"/>
    /// says whether a footprint step is read (<c>step</c>, default the tick) or footprints are left out.
    /// </summary>
    public static async Task<(BarRequest? Request, IResult? Problem)> ParseAsync(HttpRequest http, IGrainFactory grains, GatewayOptions options, bool step)
    {
        var q = http.Query;
        string instrumentText = q["instrument"].ToString(), tfText = q["tf"].ToString(), zone = q["tz"].Count > 0 ? q["tz"].ToString() : "UTC";
        if (!InstrumentId.TryParse(instrumentText, out _, out var idError))
        {
            return (null, Problems.BadRequest("bad_instrument", idError));
        }

        if (!Timeframe.TryParse(tfText, out var timeframe, out var tfError))
        {
            return (null, Problems.BadRequest("bad_timeframe", tfError));
        }

        if (!TimeZones.TryFind(zone, out _, out var zoneError))
        {
            return (null, Problems.BadRequest("bad_time_zone", zoneError));
        }

        var from = long.MinValue;
        var to = long.MaxValue;
        if (q.ContainsKey("from") && !TimeParameter.TryParse(q["from"], out from))
        {
            return (null, Problems.BadRequest("bad_time", $"from '{q["from"]}' is not Unix milliseconds or ISO 8601 with a zone"));
        }

        if (q.ContainsKey("to") && !TimeParameter.TryParse(q["to"], out to))
        {
            return (null, Problems.BadRequest("bad_time", $"to '{q["to"]}' is not Unix milliseconds or ISO 8601 with a zone"));
        }

        if (from >= to)
        {
            return (null, Problems.BadRequest("bad_range", $"from ({from}) must be before to ({to})"));
        }

        var limit = options.DefaultLimit;
        if (q.ContainsKey("limit") && (!int.TryParse(q["limit"], out limit) || limit < 1 || limit > options.MaxLimit))
        {
            return (null, Problems.BadRequest("bad_limit", $"limit '{q["limit"]}' is not a whole number from 1 to {options.MaxLimit}"));
        }

        var status = await grains.GetGrain<ISymbolGrain>(instrumentText).GetStatus();
        if (status.Spec is null)
        {
            return (null, Problems.UnknownInstrument(instrumentText));
        }

        var instrument = status.Spec.ToInstrument();
        long? stepTicks = null;
        if (step)
        {
            stepTicks = 1;
            if (q.ContainsKey("step"))
            {
                if (!instrument.TryParsePriceStep(q["step"], out var parsed, out var stepError))
                {
                    return (null, Problems.BadRequest("bad_step", stepError!));
                }

                stepTicks = parsed;
            }
        }

        var zoneUsed = timeframe.IsIntraday ? "UTC" : zone;
        return (new BarRequest(instrument, timeframe, zoneUsed, new BarsQuery(from, to, limit, stepTicks)), null);
    }

    public Task<BarsPage> FetchAsync(IGrainFactory grains) =>
        grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(Instrument.Id.Value, Timeframe, Zone)).GetBars(Query);
}
