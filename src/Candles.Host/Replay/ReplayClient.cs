using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Candles.Core.Instruments;
using Candles.Gateway.Json;
using Candles.Ingest.Replay;
using Polly;
using Polly.Retry;

namespace Candles.Host.Replay;

/// <summary>
/// Streams a trades file through the ingest API: defines the instrument, posts CSV batches (historical: the
/// watermark moves by event time only), paces them to a rate if asked, and ends with a flush. A request that
/// fails for a reason that may pass is sent again (<see cref="ReplayRetryOptions"/>); ingest is idempotent by
/// trade id, so a batch the service took before failing is answered with duplicates, never counted twice.
/// </summary>
public sealed class ReplayClient
{
    private readonly HttpClient _http;
    private readonly ReplayProgress _progress;
    private readonly ReplayRetryOptions _retry;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private int _retries;

    public ReplayClient(HttpClient http, ReplayProgress progress, ReplayRetryOptions retry, TimeProvider time)
    {
        _http = http;
        _progress = progress;
        _retry = retry;
        _pipeline = ReplayRetry.Create(retry, time, OnRetry);
    }

    public sealed record Totals(long Sent, long Applied, long Amended, long Duplicates, long TooOld, TimeSpan Elapsed, int Retries);

    /// <summary>Defines the instrument; the refusal's text if the service refuses.</summary>
    public async Task<string?> DefineAsync(Instrument instrument, CancellationToken cancellation)
    {
        var definition = new InstrumentDefinitionJson(instrument.TickSize.ToString(), instrument.QuantityStep.ToString());
        var what = $"defining {instrument.Id}";
        using var response = await SendAsync(what, token => _http.PutAsJsonAsync($"api/v1/instruments/{instrument.Id}", definition, token), cancellation);
        return response.IsSuccessStatusCode ? null : $"{what}: {await FailureAsync(response, cancellation)}";
    }

    /// <summary>
    /// Posts the file batch by batch, preparing each while the previous one is in flight. Batches stay in
    /// order (a batch and its retries are done before the next is sent), so a sorted tape closes its bars by
    /// event time as it would have live; the last one flushes.
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
                    return (null, $"ingest after {sent} ticks: {await FailureAsync(response, cancellation)}");
                }

                var report = (await response.Content.ReadFromJsonAsync<IngestReportJson>(cancellation))!;
                (sent, applied, amended, duplicates, tooOld) = (sent + inFlightCount, applied + report.Applied, amended + report.Amended, duplicates + report.Duplicates, tooOld + report.TooOld);
                _progress.Report(sent, totalHint, clock.Elapsed);
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
            var uri = $"api/v1/ingest?instrument={Uri.EscapeDataString(instrument.Id.Value)}&flush={(flushed ? "true" : "false")}";
            var batch = writer.TakeBytes();
            inFlight = SendAsync($"ingest after {sent} ticks", token => _http.PostAsync(uri, Csv(batch), token), cancellation);
        }

        _progress.Done();
        return (new Totals(sent, applied, amended, duplicates, tooOld, clock.Elapsed, _retries), null);
    }

    /// <summary>Sends a request through the retry pipeline, a fresh request message per attempt.</summary>
    private async Task<HttpResponseMessage> SendAsync(string what, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellation)
    {
        var context = ResilienceContextPool.Shared.Get(cancellation);
        context.Properties.Set(ReplayRetry.Request, what);
        try
        {
            return await _pipeline.ExecuteAsync(static async (context, send) => await send(context.CancellationToken), context, send);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ValueTask OnRetry(OnRetryArguments<HttpResponseMessage> retry)
    {
        _retries++;
        var failure = retry.Outcome.Exception?.Message ?? $"{(int)retry.Outcome.Result!.StatusCode} {retry.Outcome.Result.ReasonPhrase}";
        _progress.Retrying(retry.Context.Properties.GetValue(ReplayRetry.Request, "request"), failure, retry.AttemptNumber + 1, _retry.Retries, retry.RetryDelay);
        return ValueTask.CompletedTask;
    }

    /// <summary>A failed answer's status and text, and whether replay gave up on it after its retries.</summary>
    private async Task<string> FailureAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        var text = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
        return ReplayRetry.IsTransient(response.StatusCode) ? $"{text} ({ReplayRetry.GaveUp(_retry)})" : text;
    }

    private static ByteArrayContent Csv(byte[] batch)
    {
        var content = new ByteArrayContent(batch);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }
}
