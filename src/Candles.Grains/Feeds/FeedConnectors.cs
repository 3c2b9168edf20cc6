using System.Collections.Concurrent;
using Candles.Abstractions.Wire;
using Candles.Ingest.Feeds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds;

/// <summary>The feed connectors running in this silo, by feed grain key; each runs on the thread pool until stopped.</summary>
public sealed partial class FeedConnectors(
    IGrainFactory grains,
    IHttpClientFactory http,
    IOptions<FeedOptions> options,
    ILoggerFactory loggers,
    TimeProvider clock) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<FeedConnectors>();

    private sealed record Running(FeedAssignment Assignment, FeedConnector Connector, CancellationTokenSource Stop, Task Task);

    /// <summary>The HTTP client name of a venue's REST calls.</summary>
    public static string HttpClientName(Venue venue) => $"feed-{venue.Name.ToLowerInvariant()}";

    public void Ensure(string key, FeedAssignment assignment)
    {
        if (_running.TryGetValue(key, out var running))
        {
            if (running.Assignment.SameAs(assignment) && !running.Task.IsCompleted)
            {
                return;
            }

            _ = StopAsync(key);
        }

        var venue = Venues.Find(assignment.Venue) ?? throw new ArgumentException($"unknown venue '{assignment.Venue}'", nameof(assignment));
        var connector = new FeedConnector(
            venue, options.Value.For(venue), assignment.Symbols, new GrainTickTarget(grains), http.CreateClient(HttpClientName(venue)), loggers.CreateLogger<FeedConnector>(), clock);
        var stop = new CancellationTokenSource();
        var task = Task.Run(() => RunAsync(key, connector, stop.Token));
        _running[key] = new Running(assignment, connector, stop, task);
        LogStarted(_logger, key, assignment.Symbols.Count);
    }

    public FeedStatus? Status(string key) => _running.TryGetValue(key, out var running) ? running.Connector.Counters.Snapshot() : null;

    public async Task StopAsync(string key)
    {
        if (_running.TryRemove(key, out var running))
        {
            await running.Stop.CancelAsync();
            await running.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            running.Stop.Dispose();
            LogStopped(_logger, key);
        }
    }

    private async Task RunAsync(string key, FeedConnector connector, CancellationToken cancellation)
    {
        try
        {
            await connector.RunAsync(cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception ex)
        {
            // The next Ensure starts it again.
            LogFailed(_logger, ex, key);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_running.Keys.ToList().Select(StopAsync));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed connector {Key} started for {Count} instrument(s)")]
    private static partial void LogStarted(ILogger logger, string key, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed connector {Key} stopped")]
    private static partial void LogStopped(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed connector {Key} failed; it starts again at the next check")]
    private static partial void LogFailed(ILogger logger, Exception exception, string key);
}
