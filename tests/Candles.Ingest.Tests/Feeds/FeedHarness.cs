using Candles.Ingest.Feeds;
using Candles.Testing.FakeVenues;
using Microsoft.Extensions.Logging.Abstractions;

namespace Candles.Ingest.Tests.Feeds;

/// <summary>A connector of one venue against its fake on loopback, running until disposed.</summary>
internal sealed class FeedHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _rest;

    public FeedHarness(Venue venue, FakeVenue fake, RecordingTarget target, IReadOnlyList<string> symbols, Action<VenueFeedOptions>? configure = null)
    {
        Options = new VenueFeedOptions
        {
            WebSocketUrl = fake.WebSocketUrl.ToString(),
            RestUrl = fake.RestUrl.ToString(),
            GapWait = TimeSpan.FromMilliseconds(200),
            ResponseTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(Options);
        _rest = new HttpClient { BaseAddress = fake.RestUrl };
        _rest.DefaultRequestHeaders.UserAgent.ParseAdd("Candles.Ingest.Tests/1.0");
        Connector = new FeedConnector(venue, Options, symbols, target, _rest, NullLogger.Instance);
        Running = Task.Run(() => Connector.RunAsync(_stop.Token));
    }

    public VenueFeedOptions Options { get; }

    public FeedConnector Connector { get; }

    public Task Running { get; }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _rest.Dispose();
        _stop.Dispose();
    }

    /// <summary>Polls until the condition holds or the time is up; the caller asserts the result.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}
