using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Ingest.Simulation;

namespace Candles.Host.Feeds;

/// <summary>Defines a few <c>SIM:</c> instruments and feeds them live, made-up trades every 100 ms.</summary>
public sealed partial class SimulatedFeed(IGrainFactory grains, TimeProvider clock, ILogger<SimulatedFeed> logger) : BackgroundService
{
    private static readonly (InstrumentSpec Spec, long StartPrice, long MeanQuantity)[] Instruments =
    [
        (new InstrumentSpec("SIM:BTCUSD", "0.01", "0.00001"), 6_500_000, 2_000),
        (new InstrumentSpec("SIM:ETHUSD", "0.01", "0.0001"), 350_000, 5_000),
        (new InstrumentSpec("SIM:PEPEUSD", "0.00000001", "1"), 1_234, 10_000_000),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feeds = new List<(ISymbolGrain Grain, RandomWalkTape Tape)>();
        foreach (var (spec, start, quantity) in Instruments)
        {
            var grain = grains.GetGrain<ISymbolGrain>(spec.Id);
            await grain.Define(spec);
            feeds.Add((grain, new RandomWalkTape(start, quantity, spec.Id.GetHashCode(StringComparison.Ordinal))));
        }

        LogStarted(logger, Instruments.Length);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var nowUs = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            foreach (var (grain, tape) in feeds)
            {
                await grain.Ingest([.. tape.Next(nowUs)], live: true);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated feed started for {Count} SIM: instruments")]
    private static partial void LogStarted(ILogger logger, int count);
}
