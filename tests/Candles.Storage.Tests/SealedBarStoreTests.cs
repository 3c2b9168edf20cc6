using System.Data.Common;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Storage.Sealed;
using Candles.Storage.Sealed.Hosting;
using Candles.Storage.Sealed.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Candles.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.Storage.Tests;

public class InMemorySealedBarStoreTests : SealedBarStoreContract
{
    protected override ISealedBarStore Store { get; } = new InMemorySealedBarStore();
}

/// <summary>A real PostgreSQL with the schema applied by the EF Core migrations.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; } = new();

    public ServiceProvider Services { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Services = new ServiceCollection().AddPostgresSealedBarStore(Server.ConnectionString("candles_contract")).BuildServiceProvider();
        await Services.MigrateSealedBarStoreAsync();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        Server.Dispose();
    }
}

public class PostgresSealedBarStoreTests(PostgresFixture postgres) : SealedBarStoreContract, IClassFixture<PostgresFixture>
{
    protected override ISealedBarStore Store { get; } = postgres.Services.GetRequiredService<ISealedBarStore>();

    [Fact]
    public async Task MigratingAgainIsANoOp() => await postgres.Services.MigrateSealedBarStoreAsync();

    [Fact]
    public async Task AFootprintReadSeesOneSealNotOnesCandleWithTheNextOnesLevels()
    {
        // A bar's candle and its levels are read by two statements; a re-seal (a correction) commits between them.
        var series = new SealedSeries($"TEST:T{Guid.NewGuid():N}"[..20].ToUpperInvariant(), Timeframe.Parse("1d"), "UTC");
        var instrument = Pepe with { Id = InstrumentId.Parse(series.Instrument) };
        var (first, second) = (DailyBar(T0), DailyBar(T0, revision: 1, extra: 1));
        await Store.UpsertAsync(instrument, series, [first]);
        var reseal = new ResealAfterTheFirstStatement(() => Store.UpsertAsync(instrument, series, [second]));
        await using var services = new ServiceCollection()
            .AddDbContextFactory<CandlesDbContext>(o => o.UseNpgsql(postgres.Server.ConnectionString("candles_contract")).AddInterceptors(reseal))
            .BuildServiceProvider();
        var reading = new PostgresSealedBarStore(services.GetRequiredService<IDbContextFactory<CandlesDbContext>>(), TimeProvider.System);

        var bar = Assert.Single(await reading.LoadAsync(series, T0, T0 + Day));

        Assert.True(reseal.Done, "the re-seal did not run between the two statements");
        var sealedAs = bar.Candle.Revision == 0 ? first : second;
        Assert.Equal(sealedAs.Footprint.Levels.ToArray(), bar.Footprint.Levels.ToArray());
    }

    /// <summary>Runs a re-seal, on its own connection, once the first statement of a read has run.</summary>
    private sealed class ResealAfterTheFirstStatement(Func<Task> reseal) : DbCommandInterceptor
    {
        public bool Done { get; private set; }

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (!Done && command.CommandText.Contains("sealed_bars", StringComparison.Ordinal) && !command.CommandText.Contains("sealed_levels", StringComparison.Ordinal))
            {
                Done = true;
                await reseal();
            }

            return result;
        }
    }
}
