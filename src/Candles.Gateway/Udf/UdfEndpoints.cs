using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Udf;

/// <summary>
/// TradingView's UDF datafeed under <c>/udf</c>, so the Charting Library's UDF adapter plugs in unchanged: every
/// instrument trades 24x7, bars and daily/weekly/monthly cuts are in UTC, times are Unix seconds, and prices and
/// volumes are JSON numbers written from their exact decimal text. Errors are <c>{"s":"error","errmsg":..}</c>.
/// </summary>
internal static class UdfEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var udf = app.MapGroup("/udf").WithTags("TradingView UDF");
        udf.MapGet("/time", (TimeProvider time) => Results.Text(time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));

        udf.MapGet("/config", async (IGrainFactory grains) =>
        {
            var venues = (await InstrumentsAsync(grains)).Select(i => i.Id.Venue).Distinct().Order();
            return Results.Json(new
            {
                supported_resolutions = UdfResolution.Supported,
                supports_group_request = false,
                supports_marks = false,
                supports_search = true,
                supports_timescale_marks = false,
                supports_time = true,
                exchanges = venues.Select(v => new { value = v, name = v, desc = v }).Prepend(new { value = string.Empty, name = "All exchanges", desc = string.Empty }),
                symbols_types = new[] { new { name = "All types", value = string.Empty }, new { name = "crypto", value = "crypto" } },
            });
        });

        udf.MapGet("/symbols", async (string? symbol, InstrumentDirectory instruments) =>
            await FindAsync(instruments, symbol) is { } instrument ? Results.Json(SymbolInfo(instrument)) : Error($"unknown_symbol: '{symbol}' is not a defined instrument"));

        udf.MapGet("/search", async (string? query, string? type, string? exchange, string? limit, IGrainFactory grains) =>
        {
            if (!TryWhole(limit, out var most))
            {
                return Error($"limit '{limit}' is not a whole number");
            }

            var text = query?.Trim() ?? string.Empty;
            var found = (await InstrumentsAsync(grains))
                .Where(i => (string.IsNullOrEmpty(exchange) || i.Id.Venue == exchange) && (string.IsNullOrEmpty(type) || type == "crypto"))
                .Where(i => i.Id.Value.Contains(text, StringComparison.OrdinalIgnoreCase))
                .OrderBy(i => i.Id.Value, StringComparer.Ordinal)
                .Take((int)Math.Clamp(most ?? 30, 1, 100))
                .Select(i => new { symbol = i.Id.Symbol, full_name = i.Id.Value, description = i.Id.Value, exchange = i.Id.Venue, ticker = i.Id.Value, type = "crypto" });
            return Results.Json(found);
        });

        udf.MapGet("/history", async (string? symbol, string? resolution, string? from, string? to, string? countback, IGrainFactory grains, InstrumentDirectory instruments, IOptions<GatewayOptions> options) =>
        {
            if (await FindAsync(instruments, symbol) is not { } instrument)
            {
                return Error($"unknown_symbol: '{symbol}' is not a defined instrument");
            }

            if (!UdfResolution.TryParse(resolution, out var timeframe, out var resolutionError))
            {
                return Error(resolutionError);
            }

            // Read here rather than bound, so that a value that is not a whole number is an error the adapter shows.
            if (!TryWhole(from, out var fromSeconds) || !TryWhole(to, out var toSeconds) || !TryWhole(countback, out var count) || count is < int.MinValue or > int.MaxValue)
            {
                return Error("'from', 'to' and 'countback' are whole numbers (Unix seconds, a count of bars)");
            }

            const long maxSeconds = 100_000_000_000;
            var byCount = count is > 0;
            if (toSeconds is not (>= 0 and <= maxSeconds) || (!byCount && fromSeconds is not (>= 0 and <= maxSeconds)) || (!byCount && fromSeconds > toSeconds) || count < 0)
            {
                return Error("history needs 'to' (Unix seconds) and 'from' before it, or a positive 'countback'");
            }

            // The bars opening in [from, to): the library's 'to' is exclusive and its UDF adapter passes it on, so paging
            // back with 'to' at the oldest bar it holds does not bring that bar again. Countback takes precedence over
            // 'from', as in the adapter: the newest bars before 'to'. A range is served whole or refused: a cut one would
            // look to the chart like bars that do not exist.
            var max = options.Value.MaxLimit * UdfRangeFactor;
            if (count > max)
            {
                return Error($"countback {count} is more than {max} bars");
            }

            var grain = grains.GetGrain<ITimeframeGrain>(GrainKeys.Timeframe(instrument.Id.Value, timeframe, "UTC"));
            var toMs = toSeconds!.Value * 1000;
            var fromMs = byCount ? long.MinValue : fromSeconds!.Value * 1000;
            var page = await grain.GetBars(byCount ? new BarsQuery(long.MinValue, toMs, (int)count!.Value, null) : new BarsQuery(fromMs, toMs, max + 1, null));
            var bars = page.Bars;
            if (!byCount && bars.Count > max)
            {
                return Error($"more than {max} bars from {from} to {to}; ask for a shorter range or with countback");
            }

            if (bars.Count > 0)
            {
                return History(bars, instrument);
            }

            var before = await grain.GetBars(new BarsQuery(long.MinValue, Math.Min(fromMs, toMs), 1, null));
            return before.Bars is [var last]
                ? Results.Json(new { s = "no_data", nextTime = last.Candle.OpenTimeMs / 1000 })
                : Results.Json(new { s = "no_data" });
        });
    }

    /// <summary>A whole number, or nothing: true with null when <paramref name="text"/> is absent.</summary>
    private static bool TryWhole(string? text, out long? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>History requests may span this many times REST's largest page, as the adapter asks for whole ranges.</summary>
    private const int UdfRangeFactor = 4;

    private static object SymbolInfo(Instrument instrument) => new
    {
        name = instrument.Id.Symbol,
        ticker = instrument.Id.Value,
        full_name = instrument.Id.Value,
        description = instrument.Id.Value,
        type = "crypto",
        session = "24x7",
        exchange = instrument.Id.Venue,
        listed_exchange = instrument.Id.Venue,
        timezone = "Etc/UTC",
        format = "price",
        pricescale = PowerOfTen(instrument.TickSize.Scale),
        minmov = instrument.TickSize.Mantissa,
        has_intraday = true,
        has_daily = true,
        has_weekly_and_monthly = true,
        supported_resolutions = UdfResolution.Supported,
        intraday_multipliers = UdfResolution.Supported.Where(r => char.IsAsciiDigit(r[^1])),
        volume_precision = instrument.QuantityStep.Scale,
        data_status = "streaming",
    };

    /// <summary><c>{"s":"ok","t":[..],"o":[..],..}</c>, the decimals written as numbers digit for digit.</summary>
    private static IResult History(IReadOnlyList<Bar> bars, Instrument instrument)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("s", "ok");
            json.WriteStartArray("t");
            foreach (var bar in bars)
            {
                json.WriteNumberValue(bar.Candle.OpenTimeMs / 1000);
            }

            json.WriteEndArray();
            Column(json, "o", bars, c => instrument.FormatPrice(c.Open));
            Column(json, "h", bars, c => instrument.FormatPrice(c.High));
            Column(json, "l", bars, c => instrument.FormatPrice(c.Low));
            Column(json, "c", bars, c => instrument.FormatPrice(c.Close));
            Column(json, "v", bars, c => instrument.FormatQuantity(c.Volume));
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenMemory.ToArray(), "application/json");
    }

    private static void Column(Utf8JsonWriter json, string name, IReadOnlyList<Bar> bars, Func<Candle, string> value)
    {
        json.WriteStartArray(name);
        foreach (var bar in bars)
        {
            json.WriteRawValue(value(bar.Candle), skipInputValidation: true);
        }

        json.WriteEndArray();
    }

    /// <summary>The tick size is minmov / pricescale: 0.25 is 25 / 100, 5 is 5 / 1.</summary>
    private static long PowerOfTen(int exponent)
    {
        var power = 1L;
        for (var i = 0; i < exponent; i++)
        {
            power *= 10;
        }

        return power;
    }

    private static IResult Error(string message) => Results.Json(new { s = "error", errmsg = message });

    private static async Task<Instrument?> FindAsync(InstrumentDirectory instruments, string? symbol)
    {
        if (!InstrumentId.TryParse(symbol?.Trim(), out var id, out _))
        {
            return null;
        }

        return (await instruments.FindAsync(id.Value))?.Instrument;
    }

    private static async Task<List<Instrument>> InstrumentsAsync(IGrainFactory grains) =>
        [.. (await DefinedInstruments.ListAsync(grains)).Select(l => l.Spec.ToInstrument())];
}
