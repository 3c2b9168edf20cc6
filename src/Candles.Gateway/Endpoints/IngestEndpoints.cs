using System.Text.Json;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Candles.Ingest.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Candles.Gateway.Endpoints;

/// <summary>
/// <c>POST /api/v1/ingest</c>: a batch of ticks for one instrument, idempotent by trade id, as JSON
/// (<see cref="IngestJson"/>) or as <c>text/csv</c> in Binance's trades layout with <c>instrument</c>,
/// <c>live</c> and <c>flush</c> in the query. A bad tick refuses the whole batch, so nothing is half-applied.
/// </summary>
internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/ingest", async (
            HttpRequest http, InstrumentDirectory instruments, IOptions<GatewayOptions> options, TimeProvider clock, CancellationToken cancellation) =>
        {
            if (ApiKey.Check(http, options.Value) is { } denied)
            {
                return denied;
            }

            var csv = IsMediaType(http.ContentType, "text/csv");
            if (!csv && !IsMediaType(http.ContentType, "application/json"))
            {
                return Problems.Problem(
                    StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                    $"content type '{http.ContentType}' is not application/json (an ingest batch) or text/csv (Binance's trades layout)");
            }

            var (body, bodyError) = csv ? (null, null) : await ReadJsonAsync(http, cancellation);
            if (bodyError is not null)
            {
                return Problems.BadRequest("bad_body", bodyError);
            }

            var instrumentId = csv ? http.Query["instrument"].ToString() : body!.Instrument;
            var (symbol, instrument, unknown) = await TickIngestion.ResolveAsync(instruments, instrumentId);
            if (symbol is null)
            {
                return Problems.From(unknown!);
            }

            var limits = TickIngestion.TickLimits.From(options.Value, clock);
            var (ticks, problem) = csv ? await ReadCsvAsync(http, instrument!, limits.MaxTicks, cancellation) : Convert(body!, instrument!, limits.MaxTicks);
            if (problem is not null)
            {
                return problem;
            }

            var (live, flush) = (body?.Live ?? false, body?.Flush ?? false);
            if (csv && (Flag(http, "live", out live) ?? Flag(http, "flush", out flush)) is { } badFlag)
            {
                return badFlag;
            }

            var (report, refused) = await TickIngestion.ApplyAsync(symbol, ticks!, live, flush, limits);
            return report is null ? Problems.From(refused!) : Results.Ok(IngestReportJson.From(report));
        })
        .Accepts<IngestJson>("application/json", "text/csv")
        .Produces<IngestReportJson>()
        .WithName("Ingest")
        .WithSummary("A batch of ticks for one instrument; idempotent by trade id (ingest key required)");
    }

    private static bool IsMediaType(string? contentType, string expected) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>The batch, or what is wrong with the body: not JSON, the wrong shape, or numbers that do not fit.</summary>
    private static async Task<(IngestJson? Body, string? Error)> ReadJsonAsync(HttpRequest http, CancellationToken cancellation)
    {
        const string shape = "the body is not an ingest batch: {\"instrument\":..,\"ticks\":[{\"id\":..,\"t\":..,\"p\":\"..\",\"q\":\"..\",\"side\":\"buy\"}]}";
        try
        {
            var body = await JsonSerializer.DeserializeAsync<IngestJson>(http.Body, IngestJsonOptions, cancellation);
            return body is null ? (null, shape) : (body, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? string.Empty : $" at {ex.Path}";
            return (null, $"{shape}; the JSON is malformed or a value has the wrong type or does not fit{where}");
        }
    }

    private static readonly JsonSerializerOptions IngestJsonOptions = new(JsonSerializerDefaults.Web);

    private static (Tick[]? Ticks, IResult? Problem) Convert(IngestJson body, Instrument instrument, int max)
    {
        var (ticks, error) = TickIngestion.Convert(body.Ticks ?? [], instrument, max);
        return (ticks, error is null ? null : Problems.From(error));
    }

    /// <summary>
    /// The ticks of a CSV body. A plain body is read without holding a thread and its lines counted as they come: one
    /// with a tick too many is refused at that line, without waiting for or holding the rest. A gzip body (told by its
    /// magic bytes) can only be counted once inflated, so it is read whole first, within Kestrel's body size limit.
    /// </summary>
    private static async Task<(Tick[]? Ticks, IResult? Problem)> ReadCsvAsync(HttpRequest http, Instrument instrument, int max, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var body = http.BodyReader;
        var (lines, allowed, previous) = (0L, (long)max, (byte)'\n');
        bool? gzip = null;
        while (true)
        {
            var read = await body.ReadAsync(cancellation);
            foreach (var segment in read.Buffer)
            {
                var span = segment.Span;
                if (gzip is null && span.Length > 0)
                {
                    // A header line (tolerated first) starts with a letter, a trade with its id.
                    gzip = span[0] == 0x1f;
                    allowed = char.IsAsciiDigit((char)span[0]) ? max : max + 1;
                }

                if (gzip == false)
                {
                    lines += CountLines(span, ref previous);
                }

                buffer.Write(span);
            }

            body.AdvanceTo(read.Buffer.End);
            if (lines > allowed)
            {
                return (null, TooLarge(max + 1, max));
            }

            if (read.IsCompleted)
            {
                break;
            }
        }

        buffer.Position = 0;
        using var reader = new BinanceTradeCsvReader(buffer, instrument);
        var ticks = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            if (ticks.Count == max)
            {
                return (null, TooLarge(max + 1, max));
            }

            ticks.Add(tick);
        }

        return reader.Error is { } error ? (null, Problems.BadRequest("bad_tick", $"csv {error}")) : ([.. ticks], null);
    }

    /// <summary>Lines ended in <paramref name="bytes"/> that hold something (blank lines are not counted).</summary>
    private static int CountLines(ReadOnlySpan<byte> bytes, ref byte previous)
    {
        var count = 0;
        foreach (var b in bytes)
        {
            // A CRLF line ends as a LF line does: its '\r' is no content.
            if (b == '\r')
            {
                continue;
            }

            count += b == '\n' && previous != '\n' ? 1 : 0;
            previous = b;
        }

        return count;
    }

    /// <summary>A CSV body's flag in the query: absent is false; anything but true or false is refused, not read as false.</summary>
    private static IResult? Flag(HttpRequest http, string name, out bool value)
    {
        value = false;
        var text = http.Query[name].ToString();
        return text.Length == 0 || bool.TryParse(text, out value)
            ? null
            : Problems.BadRequest("bad_request", $"{name} '{text}' is not true or false");
    }

    private static IResult TooLarge(int count, int max) => Problems.From(TickIngestion.TooLarge(count, max));
}
