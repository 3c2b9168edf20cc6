using Candles.Gateway.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Candles.Host.Tests;

/// <summary>How the stand-in service answers one request.</summary>
internal enum Answer
{
    Accept,
    Unavailable,
    UnavailableForAnHour,
    ServerError,
    TooManyRequests,
    BadRequest,
    DropConnection,

    /// <summary>Takes the batch's ticks, then drops the connection before answering: the retry is all duplicates.</summary>
    TakeThenDropConnection,
}

/// <summary>
/// A stand-in for the service's write API on a loopback port: answers each define and ingest request as
/// scripted (then <c>otherwise</c>), counts ticks by trade id the way ingest does (a tick seen before is a
/// duplicate) and records every batch it answered with 200.
/// </summary>
internal sealed class FlakyIngestServer : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<Answer> _defines;
    private readonly Queue<Answer> _ingests;
    private readonly Answer _otherwise;
    private readonly HashSet<long> _taken = [];
    private readonly List<AcceptedBatch> _accepted = [];
    private WebApplication? _app;

    private FlakyIngestServer(IEnumerable<Answer> defines, IEnumerable<Answer> ingests, Answer otherwise)
    {
        _defines = new Queue<Answer>(defines);
        _ingests = new Queue<Answer>(ingests);
        _otherwise = otherwise;
    }

    public sealed record AcceptedBatch(IReadOnlyList<long> TradeIds, bool Flush);

    public Uri BaseAddress { get; private set; } = null!;

    public int DefineRequests { get; private set; }

    public int IngestRequests { get; private set; }

    public IReadOnlyList<AcceptedBatch> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    public static async Task<FlakyIngestServer> StartAsync(IEnumerable<Answer>? defines = null, IEnumerable<Answer>? ingests = null, Answer otherwise = Answer.Accept)
    {
        var server = new FlakyIngestServer(defines ?? [], ingests ?? [], otherwise);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        server._app = builder.Build();
        server._app.MapPut("/api/v1/instruments/{id}", server.DefineAsync);
        server._app.MapPost("/api/v1/ingest", server.IngestAsync);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Urls.First());
        return server;
    }

    private async Task DefineAsync(HttpContext context)
    {
        Answer answer;
        lock (_lock)
        {
            DefineRequests++;
            answer = Next(_defines);
        }

        if (!await FailedAsync(context, answer))
        {
            await context.Response.WriteAsJsonAsync(new { });
        }
    }

    private async Task IngestAsync(HttpContext context)
    {
        Answer answer;
        lock (_lock)
        {
            IngestRequests++;
            answer = Next(_ingests);
        }

        if (answer is not (Answer.Accept or Answer.TakeThenDropConnection))
        {
            await FailedAsync(context, answer);
            return;
        }

        using var body = new StreamReader(context.Request.Body);
        var ids = (await body.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => long.Parse(line[..line.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        int applied;
        lock (_lock)
        {
            applied = ids.Count(_taken.Add);
            if (answer == Answer.Accept)
            {
                _accepted.Add(new AcceptedBatch(ids, context.Request.Query["flush"] == "true"));
            }
        }

        if (answer == Answer.TakeThenDropConnection)
        {
            context.Abort();
            return;
        }

        await context.Response.WriteAsJsonAsync(new IngestReportJson(ids.Count, applied, 0, ids.Count - applied, 0));
    }

    private Answer Next(Queue<Answer> script) => script.TryDequeue(out var answer) ? answer : _otherwise;

    /// <summary>Answers a scripted failure; false for <see cref="Answer.Accept"/>.</summary>
    private static async Task<bool> FailedAsync(HttpContext context, Answer answer)
    {
        switch (answer)
        {
            case Answer.Accept:
                return false;
            case Answer.DropConnection or Answer.TakeThenDropConnection:
                context.Abort();
                return true;
            case Answer.UnavailableForAnHour:
                context.Response.Headers.RetryAfter = "3600";
                break;
        }

        context.Response.StatusCode = answer switch
        {
            Answer.Unavailable or Answer.UnavailableForAnHour => StatusCodes.Status503ServiceUnavailable,
            Answer.ServerError => StatusCodes.Status500InternalServerError,
            Answer.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        await context.Response.WriteAsync($"scripted {answer}");
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
