using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;
using Candles.Grains.Hosting;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Streams;
using Orleans.TestingHost;

namespace Candles.Grains.Tests;

/// <summary>One in-process silo whose grains read a fake clock that the tests move.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The silo's sealed-bar store, so tests can see what was sealed.</summary>
    public InMemorySealedBarStore SealedBars { get; } = new();

    /// <summary>The sealed-bar store the silo writes through, which fails an upsert when a test asks.</summary>
    public FaultySealedBarStore SealedWrites { get; }

    public ClusterFixture() => SealedWrites = new FaultySealedBarStore(SealedBars);

    /// <summary>The silo's 1m store, which injects faults when a test asks.</summary>
    public FaultyMinuteBarStore MinuteBars { get; } = new();

    /// <summary>Fails a registry listing when a test asks.</summary>
    public RegistryAddFault RegistryAdds { get; } = new();

    /// <summary>Loses the stream messages of the grains a test names.</summary>
    public StreamDeliveryFault StreamDeliveries { get; } = new();

    /// <summary>Fails or delays calls of a method to a grain when a test asks.</summary>
    public GrainCallFault Calls { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Zones sealed besides UTC.</summary>
    public static readonly string[] SealedZones = ["America/New_York", "Asia/Tokyo"];

    private static IConfiguration Configuration => new ConfigurationBuilder()
        .AddInMemoryCollection(SealedZones.Select((zone, i) => KeyValuePair.Create($"Candles:Seal:Zones:{i}", (string?)zone)))
        .Build();

    /// <summary>The sealed bars of one series once <paramref name="until"/> holds for them; fails the test if it never does.</summary>
    public async Task<SealedBars> SealedAsync(string instrument, string timeframe, string zone, Func<IReadOnlyList<Core.Bars.Bar>, bool> until)
    {
        var series = new SealedSeries(instrument, Core.Timeframes.Timeframe.Parse(timeframe), zone);
        var bars = Storage.Sealed.SealedBars.None;
        Assert.True(
            await EventuallyAsync(async () => until(bars = await SealedBars.LoadAsync(series, long.MinValue, long.MaxValue))),
            $"{timeframe} bars of {instrument} in {zone} were not sealed as expected: {bars.Count} sealed");
        return bars;
    }

    /// <summary>The grain of an instrument defined with a 0.01 tick and a 0.001 quantity step.</summary>
    public async Task<Abstractions.Grains.ISymbolGrain> DefinedAsync(string id)
    {
        var grain = Grains.GetGrain<Abstractions.Grains.ISymbolGrain>(id);
        Assert.NotEqual(Abstractions.Wire.DefineOutcome.Conflict, await grain.Define(new Abstractions.Wire.InstrumentSpec(id, "0.01", "0.001")));
        return grain;
    }

    /// <summary>Follows a timeframe grain as a gateway's live feed does: its pushes recorded, in order.</summary>
    public async Task<StreamRecorder> ObserveAsync(string timeframeKey)
    {
        var recorder = new StreamRecorder();
        recorder.Reference = Cluster.Client.CreateObjectReference<ILiveBarsObserver>(recorder);
        await Cluster.Client.GetGrain<ITimeframeGrain>(timeframeKey).Follow(recorder.Reference);
        return recorder;
    }

    /// <summary>Follows a stream from the client, collecting what arrives.</summary>
    public async Task<StreamRecorder> RecordAsync(StreamId stream)
    {
        var recorder = new StreamRecorder();
        await Cluster.Client.GetStreamProvider(CandleStreams.Provider).GetStream<BarEvents>(stream).SubscribeAsync(recorder.OnNextAsync);
        return recorder;
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            // The grains' clock and the reminders' clock are fake; Orleans' own timers and stream agents keep real time.
            silo.Services.AddKeyedSingleton<TimeProvider>(CandlesSiloBuilderExtensions.ClockKey, Clock);
            silo.Services.AddKeyedSingleton<TimeProvider>(Orleans.Reminders.ReminderTimeProviderNames.Reminders, Clock);
            silo.AddMemoryGrainStorage(CandlesSiloBuilderExtensions.StorageName);
            silo.AddMemoryGrainStorage(CandleStreams.PubSubStore);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<ISealedBarStore>(SealedWrites);
            silo.Services.AddSingleton<Storage.MinuteBars.IMinuteBarStore>(MinuteBars);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(RegistryAdds);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(StreamDeliveries);
            silo.Services.AddSingleton<IIncomingGrainCallFilter>(Calls);
            silo.AddCandleGrains(Configuration, o =>
            {
                o.ScanPeriod = TimeSpan.FromMilliseconds(50);

                // The fake clock stands in 2026-03; tests replay days after it (a tick decades ahead is still refused).
                o.MaxFutureSkew = TimeSpan.FromDays(365);
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(CandleStreams.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// Polls a condition the grain's own timer makes true; bounded, so a broken timer fails the test
    /// instead of hanging it.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }
}

/// <summary>The messages a test stream subscription or timeframe observer received, in order.</summary>
public sealed class StreamRecorder : ILiveBarsObserver
{
    private readonly List<BarEvents> _messages = [];

    /// <summary>This recorder as a grain observer, when it observes a timeframe grain.</summary>
    public ILiveBarsObserver? Reference { get; set; }

    public IReadOnlyList<BarEvents> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IEnumerable<BarEvent> Events => Messages.SelectMany(m => m.Events);

    public Task OnBars(BarEvents message) => OnNextAsync(message, null);

    public Task OnNextAsync(BarEvents message, StreamSequenceToken? token)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(nameof(SharedCluster))]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>;
