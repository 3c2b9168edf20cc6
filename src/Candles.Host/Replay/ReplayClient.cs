using System.Diagnostics;
using System.Net;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Gateway.Json;
using Candles.Ingest.Replay;

namespace Candles.Host.Replay;

/// <summary>
/// Streams a trades file through the ingest API: defines the instrument, posts batches (historical: the
/// watermark moves by event time only), paces them to a rate if asked, and ends with a flush.
/// </summary>
public sealed class ReplayClient(HttpClient http, TextWriter progress)
{
    public sealed record Totals(long Sent, long Applied, long Amended, long Duplicates, long TooOld, TimeSpan Elapsed);

    /// <summary>Defines the instrument; false (with the reason written) if the service refuses.</summary>
    public async Task<string?> DefineAsync(Instrument instrument, CancellationToken cancellation)
    {
        using var response = await http.PutAsJsonAsync(
            $"api/v1/instruments/{instrument.Id}", new InstrumentDefinitionJson(instrument.TickSize.ToString(), instrument.QuantityStep.ToString()), cancellation);
        return response.IsSuccessStatusCode ? null : $"defining {instrument.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
    }

    public async Task<(Totals? Totals, string? Error)> SendAsync(BinanceTradeCsvReader reader, Instrument instrument, int batchSize, long? ticksPerSecond, long totalHint, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0, applied = 0, amended = 0, duplicates = 0, tooOld = 0;
        var batch = new List<TickJson>(batchSize);
        var more = true;
        while (more)
        {
            batch.Clear();
            while (batch.Count < batchSize && (more = reader.TryRead(out var tick)))
            {
                batch.Add(ToJson(tick, instrument));
            }

            if (reader.Error is { } bad)
            {
                return (null, bad.ToString());
            }

            if (ticksPerSecond is { } rate && rate > 0)
            {
                var due = TimeSpan.FromSeconds((double)(sent + batch.Count) / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellation);
                }
            }

            using var response = await http.PostAsJsonAsync("api/v1/ingest", new IngestJson(instrument.Id.Value, false, !more, batch), cancellation);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"ingest after {sent} ticks: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
            }

            var report = (await response.Content.ReadFromJsonAsync<IngestReportJson>(cancellation))!;
            sent += batch.Count;
            applied += report.Applied;
            amended += report.Amended;
            duplicates += report.Duplicates;
            tooOld += report.TooOld;
            Progress(sent, totalHint, clock.Elapsed);
        }

        progress.WriteLine();
        return (new Totals(sent, applied, amended, duplicates, tooOld, clock.Elapsed), null);
    }

    private static TickJson ToJson(in Tick tick, Instrument instrument) => new(
        tick.TradeId, null, tick.TimeUs, instrument.FormatPrice(tick.Price), instrument.FormatQuantity(tick.Quantity),
        tick.Side == AggressorSide.Buy ? "buy" : "sell");

    private void Progress(long sent, long total, TimeSpan elapsed)
    {
        const int width = 30;
        var share = total > 0 ? Math.Min(1.0, (double)sent / total) : 0;
        var filled = (int)(share * width);
        var rate = elapsed.TotalSeconds > 0 ? sent / elapsed.TotalSeconds : 0;
        progress.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {sent:N0} ticks, {rate:N0}/s   ");
    }
}
