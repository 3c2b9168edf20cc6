using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;

namespace Candles.Gateway.Requests;

/// <summary>A batch of ticks into its instrument's grain, the same on every transport: all of it, or none of it if one tick is bad.</summary>
public static class TickIngestion
{
    /// <summary>What a batch may hold: at most <paramref name="MaxTicks"/> ticks, none more than <paramref name="MaxFutureSkew"/> past the clock.</summary>
    public sealed record TickLimits(int MaxTicks, TimeSpan MaxFutureSkew, TimeProvider Clock)
    {
        public static TickLimits From(Options.GatewayOptions options, TimeProvider clock) => new(options.MaxIngestTicks, options.MaxFutureSkew, clock);
    }

    /// <summary>The instrument's grain and grids, or <c>bad_instrument</c> / <c>unknown_instrument</c>.</summary>
    public static async Task<(ISymbolGrain? Symbol, Instrument? Instrument, RequestError? Error)> ResolveAsync(
        InstrumentDirectory instruments, string? instrumentId)
    {
        if (!InstrumentId.TryParse(instrumentId ?? string.Empty, out _, out var idError))
        {
            return (null, null, new RequestError("bad_instrument", idError));
        }

        return await instruments.FindAsync(instrumentId!) is { } known
            ? (known.Grain, known.Instrument, null)
            : (null, null, new RequestError("unknown_instrument", $"instrument '{instrumentId}' is not defined", 404));
    }

    public static async Task<(IngestReport? Report, RequestError? Error)> IngestAsync(
        InstrumentDirectory instruments, string? instrumentId, IReadOnlyList<TickJson> ticks, bool live, bool flush, TickLimits limits)
    {
        var (symbol, instrument, error) = await ResolveAsync(instruments, instrumentId);
        if (symbol is null)
        {
            return (null, error);
        }

        var (converted, refused) = Convert(ticks, instrument!, limits.MaxTicks);
        return converted is null ? (null, refused) : await ApplyAsync(symbol, converted, live, flush, limits);
    }

    /// <summary>At most <paramref name="max"/> ticks to the instrument's units; the first bad one refuses them all.</summary>
    public static (Tick[]? Ticks, RequestError? Error) Convert(IReadOnlyList<TickJson> ticks, Instrument instrument, int max)
    {
        if (ticks.Count > max)
        {
            return (null, IngestMetrics.Refusing(TooLarge(ticks.Count, max), ticks.Count));
        }

        return TickParsing.TryConvert(ticks, instrument, out var converted, out var error)
            ? (converted, null)
            : (null, IngestMetrics.Refusing(new RequestError("bad_tick", error!), ticks.Count));
    }

    /// <summary>
    /// Sends the ticks to the grain, unless one has a time out of bounds (before 2009, or more than the allowed skew
    /// past the clock) or a price × quantity a bar cannot sum: then the whole batch is refused with that tick's reason.
    /// </summary>
    public static async Task<(IngestReport? Report, RequestError? Error)> ApplyAsync(ISymbolGrain symbol, Tick[] ticks, bool live, bool flush, TickLimits limits)
    {
        var nowUs = limits.Clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        for (var i = 0; i < ticks.Length; i++)
        {
            if (TickTime.Refusal(ticks[i].TimeUs, nowUs, limits.MaxFutureSkew) is { } reason)
            {
                return (null, IngestMetrics.Refusing(new RequestError("bad_tick_time", $"tick {i} (id {ticks[i].TradeId}): {reason}"), ticks.Length));
            }

            if (!Volume.TradeFits(ticks[i].Price, ticks[i].Quantity))
            {
                return (null, IngestMetrics.Refusing(new RequestError("bad_tick", $"tick {i} (id {ticks[i].TradeId}): price × quantity is beyond what a bar can sum (2^96 ticks × steps)"), ticks.Length));
            }
        }

        var report = await symbol.Ingest(ticks, live);
        if (flush)
        {
            await symbol.Flush();
        }

        return (report, null);
    }

    public static RequestError TooLarge(int count, int max) =>
        new("batch_too_large", $"{(count > max ? "more than " + max : count)} ticks in one batch; at most {max}", 413);
}
