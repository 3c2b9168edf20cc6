using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Gateway.Options;

namespace Candles.Gateway.Requests;

/// <summary>A bars request as given, before checks: every transport (REST, WebSocket, gRPC, UDF) reads into this.</summary>
public sealed record BarRequestText(
    string? Instrument, string? Timeframe, string? Zone, string? From = null, string? To = null, string? Limit = null, string? Step = null);

/// <summary>Why a request was refused: a stable machine code, a message that says what was wrong, and the HTTP status.</summary>
public sealed record RequestError(string Code, string Message, int Status = 400);

/// <summary>A validated bars request: instrument, timeframe, zone, [from, to), limit and footprint step.</summary>
public sealed record BarRequest(Instrument Instrument, Timeframe Timeframe, string Zone, BarsQuery Query)
{
    /// <summary>
    /// Checks a request; on any problem returns what was wrong instead. <paramref name="step"/> says whether a
    /// footprint step is read (<c>step</c>, default the tick) or footprints are left out.
    /// </summary>
    public static async Task<(BarRequest? Request, RequestError? Error)> ParseAsync(BarRequestText text, InstrumentDirectory instruments, GatewayOptions options, bool step)
    {
        var instrumentText = text.Instrument ?? string.Empty;
        var zone = string.IsNullOrEmpty(text.Zone) ? "UTC" : text.Zone;
        if (!InstrumentId.TryParse(instrumentText, out _, out var idError))
        {
            return (null, new RequestError("bad_instrument", idError));
        }

        if (!Timeframe.TryParse(text.Timeframe ?? string.Empty, out var timeframe, out var tfError))
        {
            return (null, new RequestError("bad_timeframe", tfError));
        }

        if (!TimeZones.TryFind(zone, out var found, out var zoneError))
        {
            return (null, new RequestError("bad_zone", zoneError));
        }

        zone = found.Id;
        var from = long.MinValue;
        var to = long.MaxValue;
        if (text.From is not null && TimeParameter.Check("from", text.From, out from) is { } fromError)
        {
            return (null, new RequestError("bad_time", fromError));
        }

        if (text.To is not null && TimeParameter.Check("to", text.To, out to) is { } toError)
        {
            return (null, new RequestError("bad_time", toError));
        }

        if (from >= to)
        {
            return (null, new RequestError("bad_range", $"from ({from}) must be before to ({to})"));
        }

        (from, to) = (text.From is null ? from : TimeParameter.ClampToBars(from), text.To is null ? to : TimeParameter.ClampToBars(to));

        var limit = options.DefaultLimit;
        if (text.Limit is not null && (!int.TryParse(text.Limit, out limit) || limit < 1 || limit > options.MaxLimit))
        {
            return (null, new RequestError("bad_limit", $"limit '{text.Limit}' is not a whole number from 1 to {options.MaxLimit}"));
        }

        if (await instruments.FindAsync(instrumentText) is not { } known)
        {
            return (null, new RequestError("unknown_instrument", $"instrument '{instrumentText}' is not defined", 404));
        }

        var instrument = known.Instrument;
        long? stepTicks = null;
        if (step)
        {
            stepTicks = 1;
            if (!string.IsNullOrEmpty(text.Step))
            {
                if (!instrument.TryParsePriceStep(text.Step, out var parsed, out var stepError))
                {
                    return (null, new RequestError("bad_step", stepError!));
                }

                stepTicks = parsed;
            }
        }

        var zoneUsed = timeframe.IsIntraday ? "UTC" : zone;
        return (new BarRequest(instrument, timeframe, zoneUsed, new BarsQuery(from, to, limit, stepTicks)), null);
    }

    /// <summary>The key of the timeframe grain (and stream) serving this request.</summary>
    public string TimeframeKey => GrainKeys.Timeframe(Instrument.Id.Value, Timeframe, Zone);

    /// <summary>The footprint step as decimal text, for footprint and heatmap replies.</summary>
    public string StepText => Instrument.FormatPrice(Query.FootprintStepTicks ?? 1);

    public Task<BarsPage> FetchAsync(IGrainFactory grains) => grains.GetGrain<ITimeframeGrain>(TimeframeKey).GetBars(Query);
}
