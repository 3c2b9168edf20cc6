using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;

namespace Candles.Gateway.Requests;

/// <summary>A batch of ticks into its instrument's grain, the same on every transport: all of it, or none of it if one tick is bad.</summary>
public static class TickIngestion
{
    /// <summary>The instrument's grain and grids, or <c>unknown_instrument</c>.</summary>
    public static async Task<(ISymbolGrain? Symbol, Instrument? Instrument, RequestError? Error)> ResolveAsync(IGrainFactory grains, string? instrumentId)
    {
        var symbol = grains.GetGrain<ISymbolGrain>(instrumentId ?? string.Empty);
        var spec = string.IsNullOrEmpty(instrumentId) ? null : (await symbol.GetStatus()).Spec;
        return spec is null
            ? (null, null, new RequestError("unknown_instrument", $"instrument '{instrumentId}' is not defined", 404))
            : (symbol, spec.ToInstrument(), null);
    }

    public static async Task<(IngestReport? Report, RequestError? Error)> IngestAsync(
        IGrainFactory grains, string? instrumentId, IReadOnlyList<TickJson> ticks, bool live, bool flush, int max)
    {
        var (symbol, instrument, error) = await ResolveAsync(grains, instrumentId);
        if (symbol is null)
        {
            return (null, error);
        }

        var (converted, refused) = Convert(ticks, instrument!, max);
        return converted is null ? (null, refused) : (await ApplyAsync(symbol, converted, live, flush), null);
    }

    /// <summary>At most <paramref name="max"/> ticks to the instrument's units; the first bad one refuses them all.</summary>
    public static (Tick[]? Ticks, RequestError? Error) Convert(IReadOnlyList<TickJson> ticks, Instrument instrument, int max)
    {
        if (ticks.Count > max)
        {
            return (null, TooLarge(ticks.Count, max));
        }

        return TickParsing.TryConvert(ticks, instrument, out var converted, out var error)
            ? (converted, null)
            : (null, new RequestError("bad_tick", error!));
    }

    public static async Task<IngestReport> ApplyAsync(ISymbolGrain symbol, Tick[] ticks, bool live, bool flush)
    {
        var report = await symbol.Ingest(ticks, live);
        if (flush)
        {
            await symbol.Flush();
        }

        return report;
    }

    public static RequestError TooLarge(int count, int max) =>
        new("batch_too_large", $"{(count > max ? "more than " + max : count)} ticks in one batch; at most {max}", 413);
}
