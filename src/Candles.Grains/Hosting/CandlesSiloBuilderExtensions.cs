using Candles.Grains.Options;
using Candles.Storage.Redis.Hosting;
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
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddInMemoryMinuteBarStore();
        return builder;
    }
}
