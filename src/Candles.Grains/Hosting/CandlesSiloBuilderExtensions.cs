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
    /// Registers the candle grains' options (section <c>Candles:Symbols</c>) and a clock. The 1m store is the
    /// host's choice (Redis in a cluster); the in-memory one is used if none is registered.
    /// </summary>
    public static ISiloBuilder AddCandleGrains(this ISiloBuilder builder, IConfiguration configuration, Action<SymbolGrainOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<SymbolGrainOptions>().Bind(configuration.GetSection(SymbolGrainOptions.Section));
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
        builder.Services.AddInMemoryMinuteBarStore();
        builder.Services.AddInMemorySealedBarStore();
        return builder;
    }
}
