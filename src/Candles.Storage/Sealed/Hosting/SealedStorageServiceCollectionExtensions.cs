using Candles.Storage.Sealed.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Candles.Storage.Sealed.Hosting;

public static class SealedStorageServiceCollectionExtensions
{
    /// <summary>
    /// Sealed bars in PostgreSQL (<c>Candles__Postgres</c>, an Npgsql connection string). In a host, the schema
    /// is migrated at start, before the services registered after this call.
    /// </summary>
    public static IServiceCollection AddPostgresSealedBarStore(this IServiceCollection services, string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("Candles:Postgres (the PostgreSQL connection string) must be set for the PostgreSQL sealed-bar store", nameof(connectionString));
        }

        services.AddDbContextFactory<CandlesDbContext>(o => o.UseNpgsql(connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ISealedBarStore, PostgresSealedBarStore>();
        services.AddHostedService<SealedBarMigrationService>();
        return services;
    }

    /// <summary>The embedded mode's in-process sealed bars.</summary>
    public static IServiceCollection AddInMemorySealedBarStore(this IServiceCollection services)
    {
        services.TryAddSingleton<ISealedBarStore, InMemorySealedBarStore>();
        return services;
    }

    /// <summary>Brings the database schema up to date (the <c>migrate</c> verb, and every start in cluster mode).</summary>
    public static async Task MigrateSealedBarStoreAsync(this IServiceProvider services, CancellationToken cancellation = default)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<CandlesDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(cancellation);
        await db.Database.MigrateAsync(cancellation);
    }
}
