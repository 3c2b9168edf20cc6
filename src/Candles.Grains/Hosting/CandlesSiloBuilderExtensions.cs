using Candles.Abstractions.Streams;
using Candles.Grains.Options;
using Candles.Core.Timeframes;
using Candles.Storage.Redis.Hosting;
using Candles.Storage.Sealed.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Hosting;

public static class CandlesSiloBuilderExtensions
{
    /// <summary>Grain storage name for instrument definitions and the registry.</summary>
    public const string StorageName = "candles";

    /// <summary>
    /// Service key of the clock the grains read for wall-clock decisions (closing quiet minutes). Its own key, so
    /// tests can move the grains' time without moving Orleans' timers and stream agents.
    /// </summary>
    public const string ClockKey = "Candles.Clock";

    /// <summary>
    /// Registers the candle grains' options (section <c>Candles:Symbols</c>), a clock and the memory stream
    /// provider they publish on. The 1m store is the host's choice (Redis in a cluster); the in-memory one is
    /// used if none is registered. So is the stream pub-sub's storage (<see cref="CandleStreams.PubSubStore"/>).
    /// </summary>
    public static ISiloBuilder AddCandleGrains(this ISiloBuilder builder, IConfiguration configuration, Action<SymbolGrainOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<SymbolGrainOptions>()
            .Bind(configuration.GetSection(SymbolGrainOptions.Section))
            .Configure(o => o.MaxFutureSkew = configuration.GetValue<TimeSpan?>(MaxFutureSkewKey) ?? o.MaxFutureSkew);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SymbolGrainOptions>, SymbolGrainOptionsValidator>();
        builder.Services.AddOptions<SealOptions>().Bind(configuration.GetSection(SealOptions.Section))
            .Validate(o => o.AllZones.All(z => TimeZones.TryFind(z, out _, out _)), $"{SealOptions.Section}:Zones must be IANA zone names")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddKeyedSingleton<TimeProvider>(ClockKey, static (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.AddInMemoryMinuteBarStore();
        builder.Services.AddInMemorySealedBarStore();
        var pollPeriod = configuration.GetValue<TimeSpan?>(PollPeriodKey) ?? QueuePollPeriod;
        if (pollPeriod < TimeSpan.FromMilliseconds(1) || pollPeriod > TimeSpan.FromSeconds(1))
        {
            throw new OptionsValidationException(PollPeriodKey, typeof(TimeSpan), [$"{PollPeriodKey} must be between 1 ms and 1 s, not {pollPeriod}"]);
        }

        builder.AddMemoryStreams(CandleStreams.Provider, streams => streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = pollPeriod)));
        return builder;
    }

    /// <summary>
    /// How often the stream agents look for new messages by default: Orleans' own 100 ms. Only the sealers read the 1m
    /// stream (live updates are pushed to the timeframe grains and on to the gateways), and a seal may wait that long;
    /// agents polling every 10 ms cost an idle silo 2.6 MB/s of garbage and the memory the collector keeps for it.
    /// </summary>
    public static readonly TimeSpan QueuePollPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>Configuration key of how far past the wall clock a tick may be, shared by the gateway's ingest checks.</summary>
    public const string MaxFutureSkewKey = "Candles:Ingest:MaxFutureSkew";

    /// <summary>Configuration key of the stream agents' poll period: shorter lets a sealer start sooner, for idle CPU.</summary>
    public const string PollPeriodKey = "Candles:Streams:PollPeriod";
}
