using Candles.Core.Composition;
using Candles.Gateway.Endpoints;
using Candles.Gateway.Grpc.V1;
using Candles.Gateway.Json;
using Candles.Gateway.Live;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.Grpc;

/// <summary>
/// <c>candles.v1.CandleService</c>: the REST reads, the live subscription and client-streamed ingest over gRPC.
/// Refusals carry the same codes as REST (<c>unknown_instrument</c> is NOT_FOUND, a bad request INVALID_ARGUMENT),
/// the code first in the status detail and in the trailer <c>code</c>.
/// </summary>
public sealed class CandleGrpcService(IGrainFactory grains, InstrumentDirectory instruments, LiveFeedHub hub, IOptions<GatewayOptions> options, TimeProvider clock) : CandleService.CandleServiceBase
{
    private GatewayOptions Options => options.Value;

    public override async Task<CandlesReply> GetCandles(CandlesRequest request, ServerCallContext context)
    {
        var parsed = await ParseAsync(new BarRequestText(request.Instrument, request.Tf, request.Tz, Ms(request.HasFromMs, request.FromMs), Ms(request.HasToMs, request.ToMs), Limit(request.Limit)), step: false);
        var page = await parsed.FetchAsync(grains);
        var reply = new CandlesReply { Instrument = parsed.Instrument.Id.Value, Tf = parsed.Timeframe.Name, Tz = parsed.Zone };
        reply.Candles.AddRange(page.Bars.Select(b => GrpcBars.Candle(CandleJson.From(b, page, parsed.Instrument))));
        return reply;
    }

    public override async Task<FootprintReply> GetFootprint(FootprintRequest request, ServerCallContext context)
    {
        var parsed = await ParseAsync(new BarRequestText(request.Instrument, request.Tf, request.Tz, Ms(request.HasFromMs, request.FromMs), Ms(request.HasToMs, request.ToMs), Limit(request.Limit), request.Step), step: true);
        var page = await parsed.FetchAsync(grains);
        if (ResponseLimits.TooManyLevels(page.Bars, Options.MaxLevelsPerResponse) is { } tooMany)
        {
            throw Refused(tooMany);
        }

        var reply = new FootprintReply { Instrument = parsed.Instrument.Id.Value, Tf = parsed.Timeframe.Name, Tz = parsed.Zone, Step = parsed.StepText };
        reply.Bars.AddRange(page.Bars.Select(b => GrpcBars.Footprint(FootprintJson.From(b, page, parsed.Instrument))));
        return reply;
    }

    public override async Task<HeatmapReply> GetHeatmap(HeatmapRequest request, ServerCallContext context)
    {
        var parsed = await ParseAsync(new BarRequestText(request.Instrument, request.Tf, request.Tz, Ms(request.HasFromMs, request.FromMs), Ms(request.HasToMs, request.ToMs), Limit(request.Limit), request.Step), step: true);
        var bars = (await parsed.FetchAsync(grains)).Bars;
        if (ResponseLimits.TooManyLevels(bars, Options.MaxLevelsPerResponse) is { } tooMany)
        {
            throw Refused(tooMany);
        }

        var heatmap = HeatmapResponse.From(Heatmap.From(bars), parsed.Instrument, parsed.Timeframe.Name, parsed.Zone, parsed.StepText);
        var reply = new HeatmapReply { Instrument = heatmap.Instrument, Tf = heatmap.Tf, Tz = heatmap.Tz, Step = heatmap.Step };
        reply.Times.AddRange(heatmap.Times);
        reply.Prices.AddRange(heatmap.Prices);
        reply.Cells.AddRange(heatmap.Cells.Select(c => new V1.HeatmapCell { Ti = c.TimeIndex, Pi = c.PriceIndex, Bv = c.Buy, Sv = c.Sell }));
        return reply;
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<SubscribeEvent> responseStream, ServerCallContext context)
    {
        // The one subscription of the call refused on the way (a snapshot over the level limit) ends the call with the reason.
        var outbox = new ClientOutbox(Options.ClientQueueLimit, Options.ClientMaxLag, hub.Time, (message, sequence, token) => message.Kind == OutgoingKind.Error
            ? throw Refused(new RequestError(message.Code!, message.Message!, message.Status))
            : new ValueTask(responseStream.WriteAsync(GrpcBars.Event(message, sequence), token)));
        var args = new SubscribeArguments(request.Instrument, request.Tf, request.Tz, request.HasHistory ? request.History : null, request.Footprint, request.Step.Length > 0 ? request.Step : null);
        var (subscription, error) = await hub.OpenAsync("0", args, outbox);
        if (subscription is null)
        {
            throw Refused(error!);
        }

        LiveMetrics.ClientConnected("grpc");
        try
        {
            _ = CutOffIfStuckAsync(outbox, context);
            await outbox.RunAsync(context.CancellationToken);
        }
        finally
        {
            hub.Unsubscribe(subscription);
            LiveMetrics.ClientLeft("grpc");
        }

        if (outbox.OverflowReason is { } reason)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, reason));
        }
    }

    /// <summary>A client too slow whose write under way never finishes (it reads nothing) is aborted after the grace.</summary>
    private async Task CutOffIfStuckAsync(ClientOutbox outbox, ServerCallContext context)
    {
        await outbox.Stopped;
        if (outbox.OverflowReason is not null && !context.CancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Options.SlowClientGrace, hub.Time, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!context.CancellationToken.IsCancellationRequested)
            {
                context.GetHttpContext().Abort();
            }
        }
    }

    public override async Task<IngestReply> Ingest(IAsyncStreamReader<IngestBatch> requestStream, ServerCallContext context)
    {
        if (!ApiKey.IsValid(context.RequestHeaders.GetValue("x-api-key"), Options))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"api_key_required: {ApiKey.Requirement("metadata x-api-key")}"), new Metadata { { "code", "api_key_required" } });
        }

        // The key is accepted: headers now, so a client may wait for them before it streams. One that writes at once to a
        // call refused for its key may see its write fail before the refusal's status arrives.
        await context.WriteResponseHeadersAsync([]);
        var reply = new IngestReply();
        var batches = 0;
        await foreach (var batch in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var ticks = batch.Ticks.Select(t => new TickJson(t.HasId ? t.Id : null, null, t.TimeUs, t.P, t.Q, t.Side)).ToList();
            var (report, error) = await TickIngestion.IngestAsync(instruments, batch.Instrument, ticks, batch.Live, batch.Flush, TickIngestion.TickLimits.From(Options, clock));
            if (report is null)
            {
                // The batches before it were ingested: the refusal says how many, so a client resends from the refused one.
                var refused = Refused(error!);
                refused.Trailers.Add("batches-ingested", batches.ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw refused;
            }

            batches++;
            reply.Received += report.Received;
            reply.Applied += report.Applied;
            reply.Amended += report.Amended;
            reply.Duplicates += report.Duplicates;
            reply.TooOld += report.TooOld;
            reply.OutOfBounds += report.OutOfBounds;
        }

        return reply;
    }

    private async Task<BarRequest> ParseAsync(BarRequestText text, bool step)
    {
        var (request, error) = await BarRequest.ParseAsync(text, instruments, Options, step);
        return request ?? throw Refused(error!);
    }

    private static string? Ms(bool has, long value) => has ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string? Limit(int limit) => limit == 0 ? null : limit.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RpcException Refused(RequestError error)
    {
        var code = error.Status switch
        {
            404 => StatusCode.NotFound,
            413 => StatusCode.ResourceExhausted,
            _ => StatusCode.InvalidArgument,
        };
        return new RpcException(new Status(code, $"{error.Code}: {error.Message}"), new Metadata { { "code", error.Code } });
    }
}
