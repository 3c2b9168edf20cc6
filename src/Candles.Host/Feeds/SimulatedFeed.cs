using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Host.Serving;
using Microsoft.Extensions.Options;
using Candles.Ingest.Simulation;

namespace Candles.Host.Feeds;

/// <summary>
/// Defines a few <c>SIM:</c> instruments, writes them some made-up history (<see cref="SiloOptions.SimulatorHistory"/>)
/// and feeds them live, made-up trades every 100 ms.
/// </summary>
public sealed partial class SimulatedFeed(IGrainFactory grains, TimeProvider clock, IOptions<SiloOptions> options, ILogger<SimulatedFeed> logger)
    : BackgroundService
{
    private static readonly (InstrumentSpec Spec, long StartPrice, long MeanQuantity)[] Instruments =
    [
        (new InstrumentSpec("SIM:BTCUSD", "0.01", "0.00001"), 6_500_000, 2_000),
        (new InstrumentSpec("SIM:ETHUSD", "0.01", "0.0001"), 350_000, 5_000),
        (new InstrumentSpec("SIM:PEPEUSD", "0.00000001", "1"), 1_234, 10_000_000),
    ];

    private static readonly TimeSpan LivePeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>The history's moments are a second apart: a few trades a second, enough for bars with footprints.</summary>
    private static readonly long HistoryPeriodUs = 1_000_000;

    /// <summary>History is sent in batches of this much event time.</summary>
    private static readonly long HistoryBatchUs = 10L * 60 * 1_000_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // All defined first, so each is known (REST, the page's picker) while the histories are written.
        var feeds = new List<(ISymbolGrain Grain, RandomWalkTape Tape, bool New)>();
        foreach (var (spec, start, quantity) in Instruments)
        {
            var grain = grains.GetGrain<ISymbolGrain>(spec.Id);
            await grain.Define(spec);

            // A feed started again (cluster mode keeps the instrument) goes on with the next trade id: an id it gave
            // before would be taken for a duplicate. It writes no history then: made-up trades behind the watermark
            // would be corrections of bars already closed. The time it was away shows as minutes without trades.
            var position = await grain.GetFeedPosition();
            var tape = new RandomWalkTape(start, quantity, spec.Id.GetHashCode(StringComparison.Ordinal), firstId: (position.LastTradeId ?? 0) + 1);
            feeds.Add((grain, tape, position.LastTradeId is null));
        }

        await Task.WhenAll(feeds.Where(f => f.New).Select(f => WriteHistoryAsync(f.Grain, f.Tape, stoppingToken)));
        LogStarted(logger, Instruments.Length);
        using var timer = new PeriodicTimer(LivePeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            foreach (var (grain, tape, _) in feeds)
            {
                try
                {
                    await grain.Ingest([.. tape.Next(nowUs)], live: true);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    // Made-up trades: one lost batch is no loss; the feed (and the service) goes on.
                    LogIngestFailed(logger, ex, "live");
                }
            }
        }
    }

    /// <summary>
    /// Made-up trades a second apart from <see cref="SiloOptions.SimulatorHistory"/> ago up to now, ingested as history
    /// into an instrument that holds none. A failure is logged and the feed goes live without the rest.
    /// </summary>
    private async Task WriteHistoryAsync(ISymbolGrain grain, RandomWalkTape tape, CancellationToken cancellation)
    {
        var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000;
        var fromUs = nowUs - (options.Value.SimulatorHistory.Ticks / TimeSpan.TicksPerMicrosecond);
        var batch = new List<Tick>();
        try
        {
            for (var batchStartUs = fromUs; batchStartUs < nowUs && !cancellation.IsCancellationRequested; batchStartUs += HistoryBatchUs)
            {
                batch.Clear();
                for (var timeUs = batchStartUs + HistoryPeriodUs; timeUs <= Math.Min(batchStartUs + HistoryBatchUs, nowUs); timeUs += HistoryPeriodUs)
                {
                    batch.AddRange(tape.Next(timeUs));
                }

                await grain.Ingest([.. batch], live: false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogIngestFailed(logger, ex, "history");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated feed: a {Part} batch could not be ingested")]
    private static partial void LogIngestFailed(ILogger logger, Exception exception, string part);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated feed started for {Count} SIM: instruments")]
    private static partial void LogStarted(ILogger logger, int count);
}
