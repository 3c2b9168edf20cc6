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
        var feeds = new List<(ISymbolGrain Grain, RandomWalkTape Tape)>();
        foreach (var (spec, start, quantity) in Instruments)
        {
            var grain = grains.GetGrain<ISymbolGrain>(spec.Id);
            await grain.Define(spec);

            // A feed started again (cluster mode keeps the instrument) goes on after the last trade it finds there,
            // with the next trade id: an id it gave before would be taken for a duplicate.
            var position = await grain.GetFeedPosition();
            var tape = new RandomWalkTape(start, quantity, spec.Id.GetHashCode(StringComparison.Ordinal), firstId: (position.LastTradeId ?? 0) + 1);
            await WriteHistoryAsync(grain, tape, position.LastTradeTimeUs, stoppingToken);
            feeds.Add((grain, tape));
        }

        LogStarted(logger, Instruments.Length);
        using var timer = new PeriodicTimer(LivePeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            foreach (var (grain, tape) in feeds)
            {
                await grain.Ingest([.. tape.Next(nowUs)], live: true);
            }
        }
    }

    /// <summary>
    /// Made-up trades a second apart from <see cref="SiloOptions.SimulatorHistory"/> ago (or after the instrument's
    /// last trade, if later) up to now, ingested as history.
    /// </summary>
    private async Task WriteHistoryAsync(ISymbolGrain grain, RandomWalkTape tape, long lastTradeUs, CancellationToken cancellation)
    {
        var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000;
        var historyUs = options.Value.SimulatorHistory.Ticks / TimeSpan.TicksPerMicrosecond;
        var fromUs = Math.Max(nowUs - historyUs, lastTradeUs + RandomWalkTape.MaxTradesPerMoment);
        var batch = new List<Tick>();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated feed started for {Count} SIM: instruments")]
    private static partial void LogStarted(ILogger logger, int count);
}
