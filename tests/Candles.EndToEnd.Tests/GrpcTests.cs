using System.Globalization;
using Candles.Gateway.Grpc.V1;
using Candles.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>The golden tape's bars through gRPC equal the golden files, as through REST.</summary>
public class GrpcGoldenTests(ReplayedGoldenService service) : IClassFixture<ReplayedGoldenService>
{
    public static TheoryDataOf Cases => GoldenCase.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GoldenFileEqualsWhatGrpcServes(string fileName)
    {
        var golden = GoldenCase.Parse(fileName);
        var expected = File.ReadAllLines(GoldenFiles.PathOf(fileName)).ToList();
        using var channel = GrpcChannel.ForAddress(service.Server.GrpcAddress);
        var client = new CandleService.CandleServiceClient(channel);
        if (golden.Kind == "candles")
        {
            // Bars carry no first/last trade id: compare the other ten columns.
            expected = [.. expected.Select(line => string.Join(',', line.Split(',').Take(10)))];
        }

        List<string> served = [expected[0]];
        if (golden.Kind == "candles")
        {
            await foreach (var c in PagesAsync<Candle>(async from => (await client.GetCandlesAsync(new CandlesRequest { Instrument = ReplayedGoldenService.Instrument, Tf = golden.Timeframe, Tz = golden.Zone, FromMs = from, Limit = 5000 })).Candles, c => c.T))
            {
                served.Add(string.Join(',', I(c.T), c.O, c.H, c.L, c.C, c.V, c.Bv, c.Sv, c.Qv, I(c.N)));
            }
        }
        else
        {
            await foreach (var bar in PagesAsync<FootprintBar>(async from => (await client.GetFootprintAsync(new FootprintRequest { Instrument = ReplayedGoldenService.Instrument, Tf = golden.Timeframe, Tz = golden.Zone, FromMs = from, Limit = 5000, Step = golden.Step ?? string.Empty })).Bars, b => b.T))
            {
                if (golden.Kind == "footprint")
                {
                    served.AddRange(bar.Levels.Select(l => string.Join(',', I(bar.T), l.P, l.Bv, l.Sv, I(l.N))));
                }
                else
                {
                    served.Add(string.Join(',', I(bar.T), bar.Poc, bar.Vah, bar.Val, bar.Delta, bar.V));
                }
            }
        }

        CsvAssert.Equal(expected, served, fileName);
    }

    /// <summary>Every bar, page by page from the start.</summary>
    private static async IAsyncEnumerable<T> PagesAsync<T>(Func<long, Task<IList<T>>> page, Func<T, long> openTime)
    {
        long from = 0;
        while (true)
        {
            var items = await page(from);
            foreach (var item in items)
            {
                yield return item;
            }

            if (items.Count < 5000)
            {
                yield break;
            }

            from = openTime(items[^1]) + 1;
        }
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>gRPC's live subscription, ingest and refusals against the running host.</summary>
public class GrpcContractTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private static readonly long T0 = Ms("2026-08-03T09:00:00Z");

    private GrpcChannel Channel() => GrpcChannel.ForAddress(server.GrpcAddress);

    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    private static IngestBatch Batch(string instrument, params (long Id, long Ms, string Price, string Side)[] ticks)
    {
        var batch = new IngestBatch { Instrument = instrument };
        batch.Ticks.AddRange(ticks.Select(t => new Tick { Id = t.Id, TimeUs = t.Ms * 1000, P = t.Price, Q = "1.000", Side = t.Side }));
        return batch;
    }

    private static async Task<IngestReply> IngestAsync(CandleService.CandleServiceClient client, Metadata? headers, params IngestBatch[] batches)
    {
        using var call = client.Ingest(headers);
        await call.ResponseHeadersAsync; // the key accepted, or a refusal, before anything is written
        try
        {
            foreach (var batch in batches)
            {
                await call.RequestStream.WriteAsync(batch);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The call has ended (refused): its own status is in the answer.
        }

        return await call;
    }

    [Fact]
    public async Task IngestWithoutTheKeyIsRefusedAndAppliesNothing()
    {
        const string instrument = "TEST:GRPCKEY";
        await DefineAsync(server.Http, instrument);
        using var channel = Channel();
        var client = new CandleService.CandleServiceClient(channel);
        foreach (var headers in new[] { null, Key("guess") })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, headers, Batch(instrument, (1, T0, "100.00", "buy"))));
            Assert.True(refused.StatusCode == StatusCode.Unauthenticated, refused.ToString());
            Assert.Contains("x-api-key", refused.Status.Detail);
            Assert.Equal("api_key_required", refused.Trailers.GetValue("code"));
        }

        Assert.Empty((await client.GetCandlesAsync(new CandlesRequest { Instrument = instrument, Tf = "1m" })).Candles);
    }

    [Fact]
    public async Task ClientStreamedBatchesAreIngestedIdempotentlyAndABadTickRefusesItsBatch()
    {
        const string instrument = "TEST:GRPCINGEST";
        await DefineAsync(server.Http, instrument);
        using var channel = Channel();
        var client = new CandleService.CandleServiceClient(channel);
        var reply = await IngestAsync(client, Key(RunningService.ApiKey),
            Batch(instrument, (1, T0, "100.00", "buy"), (2, T0 + 1_000, "101.00", "sell")),
            Batch(instrument, (2, T0 + 1_000, "101.00", "sell"), (3, T0 + 2_000, "99.00", "sell")));
        Assert.Equal((4L, 3L, 1L), (reply.Received, reply.Applied, reply.Duplicates));

        var bad = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, Key(RunningService.ApiKey), Batch(instrument, (4, T0 + 3_000, "100.005", "buy"))));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.StartsWith("bad_tick: tick 0 (id 4): price '100.005'", bad.Status.Detail);
        Assert.Equal("bad_tick", bad.Trailers.GetValue("code"));

        // A tick whose id was left out is refused, not taken as trade 0.
        var noId = Batch(instrument, (6, T0 + 3_000, "100.00", "buy"));
        noId.Ticks[0].ClearId();
        var missing = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, Key(RunningService.ApiKey), noId));
        Assert.Equal((StatusCode.InvalidArgument, "bad_tick"), (missing.StatusCode, missing.Trailers.GetValue("code")));
        Assert.Contains("'id'", missing.Status.Detail);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, Key(RunningService.ApiKey), Batch("TEST:GRPCNONE", (1, T0, "1.00", "buy"))));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        // A refusal after batches were ingested says how many were, so the client resends from the refused one.
        var later = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, Key(RunningService.ApiKey),
            Batch(instrument, (1, T0, "100.00", "buy")), Batch(instrument, (5, T0 + 4_000, "100.00", "buy")), Batch("TEST:GRPCNONE", (1, T0, "1.00", "buy"))));
        Assert.Equal((StatusCode.NotFound, "2"), (later.StatusCode, later.Trailers.GetValue("batches-ingested")));

        var candle = Assert.Single((await client.GetCandlesAsync(new CandlesRequest { Instrument = instrument, Tf = "1m" })).Candles);
        Assert.Equal((4L, "100.00", "100.00", "4.000", false, true), (candle.N, candle.O, candle.C, candle.V, candle.Closed, candle.Complete));
    }

    [Fact]
    public async Task ABatchOfTheMostTicksAllowedIsTakenInOneMessage()
    {
        // 100,000 ticks of ~43 bytes each: more than gRPC's default 4 MB for one message.
        const string instrument = "TEST:GRPCWIDE";
        await DefineAsync(server.Http, instrument);
        using var channel = Channel();
        var client = new CandleService.CandleServiceClient(channel);
        var batch = new IngestBatch { Instrument = instrument };
        batch.Ticks.AddRange(Enumerable.Range(1, 100_000).Select(i => new Tick { Id = 1_000_000_000L + i, TimeUs = (T0 * 1000) + (i * 1000L), P = "65000.01", Q = "123.456", Side = "sell" }));
        Assert.True(batch.CalculateSize() > 4 << 20, $"{batch.CalculateSize()} bytes");
        var reply = await IngestAsync(client, Key(RunningService.ApiKey), batch);
        Assert.Equal((100_000L, 100_000L), (reply.Received, reply.Applied));

        // One tick more is refused for its count, with the code.
        batch.Ticks.Add(new Tick { Id = 2_000_000_000L, TimeUs = (T0 * 1000) + 100_001_000L, P = "65000.01", Q = "123.456", Side = "sell" });
        var tooMany = await Assert.ThrowsAsync<RpcException>(() => IngestAsync(client, Key(RunningService.ApiKey), batch));
        Assert.Equal((StatusCode.ResourceExhausted, "batch_too_large"), (tooMany.StatusCode, tooMany.Trailers.GetValue("code")));
    }

    [Fact]
    public async Task BadReadsAreRefusedWithTheRestCodes()
    {
        const string instrument = "TEST:GRPCBAD";
        await DefineAsync(server.Http, instrument);
        using var channel = Channel();
        var client = new CandleService.CandleServiceClient(channel);
        async Task ExpectAsync(Func<Task> call, StatusCode status, string code)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(status, refused.StatusCode);
            Assert.StartsWith(code + ": ", refused.Status.Detail);
        }

        await ExpectAsync(() => client.GetCandlesAsync(new CandlesRequest { Instrument = instrument, Tf = "2d" }).ResponseAsync, StatusCode.InvalidArgument, "bad_timeframe");
        await ExpectAsync(() => client.GetCandlesAsync(new CandlesRequest { Instrument = "TEST:GRPCNONE", Tf = "1m" }).ResponseAsync, StatusCode.NotFound, "unknown_instrument");
        await ExpectAsync(() => client.GetCandlesAsync(new CandlesRequest { Instrument = instrument, Tf = "1m", Limit = 5001 }).ResponseAsync, StatusCode.InvalidArgument, "bad_limit");
        await ExpectAsync(() => client.GetFootprintAsync(new FootprintRequest { Instrument = instrument, Tf = "1h", Step = "0.015" }).ResponseAsync, StatusCode.InvalidArgument, "bad_step");
        await ExpectAsync(() => client.GetHeatmapAsync(new HeatmapRequest { Instrument = instrument, Tf = "1d", Tz = "Mars/Base" }).ResponseAsync, StatusCode.InvalidArgument, "bad_zone");
        await ExpectAsync(async () =>
        {
            using var call = client.Subscribe(new SubscribeRequest { Instrument = instrument, Tf = "1m", History = 6000 });
            await call.ResponseStream.MoveNext();
        }, StatusCode.InvalidArgument, "bad_request");
    }

    [Fact]
    public async Task SubscribeSendsTheSnapshotThenTheSameEventsAsTheWebSocket()
    {
        const string instrument = "TEST:GRPCSUB";
        await DefineAsync(server.Http, instrument);
        await ServiceCalls.IngestAsync(server.Http, instrument, [(1, T0, "100.00", "1.000", "buy")]);
        using var channel = Channel();
        var client = new CandleService.CandleServiceClient(channel);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = client.Subscribe(new SubscribeRequest { Instrument = instrument, Tf = "1m", History = 5 }, cancellationToken: cancel.Token);

        Assert.True(await call.ResponseStream.MoveNext());
        var snapshot = call.ResponseStream.Current;
        Assert.Equal((1L, SubscribeEvent.EventOneofCase.Snapshot), (snapshot.Seq, snapshot.EventCase));
        Assert.Equal((T0, 1L), (snapshot.Snapshot.Candles[0].T, snapshot.Snapshot.Candles[0].N));

        await ServiceCalls.IngestAsync(server.Http, instrument, [(2, T0 + 61_000, "102.00", "1.000", "sell"), (3, T0 + 30_000, "99.00", "1.000", "sell")]);
        var events = new List<SubscribeEvent>();
        while (!events.Any(e => e.EventCase == SubscribeEvent.EventOneofCase.Update && e.Update.Candle.T == T0 + 60_000) && await call.ResponseStream.MoveNext())
        {
            events.Add(call.ResponseStream.Current);
        }

        Assert.Equal(Enumerable.Range(2, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        var closed = events.Last(e => (e.Update?.Candle ?? e.Correction?.Candle)?.T == T0);
        var bar = closed.Update?.Candle ?? closed.Correction.Candle;
        Assert.Equal((2L, true, "99.00"), (bar.N, bar.Closed, bar.L));
    }

    [Fact]
    public async Task ReflectionAndTheHealthServiceAnswer()
    {
        using var channel = Channel();
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        Assert.Contains("candles.v1.CandleService", reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task CallsAreAnsweredWhateverHostTheClientNamesAsAPortForwardOrAnIngressDoes()
    {
        // kubectl port-forward 9000:5081 or an ingress on 443: the client names another host and port than the one served.
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = new NamedHost("candles.example:443", new SocketsHttpHandler()) });
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => new CandleService.CandleServiceClient(channel).GetCandlesAsync(new CandlesRequest { Instrument = "NOPE:NOPE", Tf = "1m" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        // And the REST port does not answer gRPC, nor the gRPC port REST.
        using var http2 = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var rest = await http2.GetAsync(new Uri(server.GrpcAddress, "api/v1/instruments"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, rest.StatusCode);
    }

    /// <summary>Sends every request with another Host (HTTP/2's :authority), as a proxy in front of the service would.</summary>
    private sealed class NamedHost(string host, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = host;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
