using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Candles.Core.Instruments;
using Candles.Gateway.Json;
using Candles.Ingest.Replay;

namespace Candles.Host.Replay;

/// <summary>
/// Streams a trades file through the ingest API: defines the instrument, posts CSV batches (historical: the
/// watermark moves by event time only), paces them to a rate if asked, and ends with a flush.
/// </summary>
public sealed class ReplayClient(HttpClient http, TextWriter progress)
{
    public sealed record Totals(long Sent, long Applied, long Amended, long Duplicates, long TooOld, TimeSpan Elapsed);

    /// <summary>Defines the instrument; the refusal's text if the service refuses.</summary>
    public async Task<string?> DefineAsync(Instrument instrument, CancellationToken cancellation)
    {
        using var response = await http.PutAsJsonAsync(
            $"api/v1/instruments/{instrument.Id}", new InstrumentDefinitionJson(instrument.TickSize.ToString(), instrument.QuantityStep.ToString()), cancellation);
        return response.IsSuccessStatusCode ? null : $"defining {instrument.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
    }

    /// <summary>
    /// Posts the file batch by batch, preparing each while the previous one is in flight. Batches stay in
    /// order, so a sorted tape closes its bars by event time as it would have live; the last one flushes.
    /// </summary>
    public async Task<(Totals? Totals, string? Error)> SendAsync(BinanceTradeCsvReader reader, Instrument instrument, int batchSize, long? ticksPerSecond, long totalHint, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0, applied = 0, amended = 0, duplicates = 0, tooOld = 0;
        var writer = new BinanceTradeCsvWriter(instrument);
        Task<HttpResponseMessage>? inFlight = null;
        var inFlightCount = 0;
        var more = true;
        var flushed = false;
        while (true)
        {
            while (more && writer.Count < batchSize)
            {
                if (reader.TryRead(out var tick))
                {
                    writer.Append(tick);
                }
                else
                {
                    more = false;
                }
            }

            if (reader.Error is { } bad)
            {
                return (null, bad.ToString());
            }

            if (inFlight is not null)
            {
                using var response = await inFlight;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return (null, $"ingest after {sent} ticks: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
                }

                var report = (await response.Content.ReadFromJsonAsync<IngestReportJson>(cancellation))!;
                (sent, applied, amended, duplicates, tooOld) = (sent + inFlightCount, applied + report.Applied, amended + report.Amended, duplicates + report.Duplicates, tooOld + report.TooOld);
                Progress(sent, totalHint, clock.Elapsed);
            }

            if (flushed)
            {
                break;
            }

            if (ticksPerSecond is > 0 and var rate)
            {
                var due = TimeSpan.FromSeconds((double)(sent + writer.Count) / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellation);
                }
            }

            inFlightCount = writer.Count;
            flushed = !more;
            var content = new ByteArrayContent(writer.TakeBytes());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            inFlight = http.PostAsync($"api/v1/ingest?instrument={Uri.EscapeDataString(instrument.Id.Value)}&flush={(flushed ? "true" : "false")}", content, cancellation);
        }

        progress.WriteLine();
        return (new Totals(sent, applied, amended, duplicates, tooOld, clock.Elapsed), null);
    }

    private void Progress(long sent, long total, TimeSpan elapsed)
    {
        const int width = 30;
        var share = total > 0 ? Math.Min(1.0, (double)sent / total) : 0;
        var filled = (int)(share * width);
        var rate = elapsed.TotalSeconds > 0 ? sent / elapsed.TotalSeconds : 0;
        progress.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {sent:N0} ticks, {rate:N0}/s   ");
    }
}
