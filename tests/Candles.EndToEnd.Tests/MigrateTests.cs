using System.CommandLine;
using Candles.Core.Timeframes;
using Candles.Host.Cli;
using Candles.Storage.Sealed;
using Candles.Storage.Sealed.Hosting;
using Candles.Storage.Sealed.Postgres;
using Candles.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>The migrate verb and a service started with PostgreSQL configured, against a real PostgreSQL.</summary>
public sealed class MigrateTests : IDisposable
{
    private readonly PostgresServer _postgres = new();

    public void Dispose()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        _postgres.Dispose();
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CandlesCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task MigrateCreatesTheSchemaAndIsIdempotent()
    {
        var connection = _postgres.ConnectionString("candles_migrate");
        var (exit, output, error) = await RunAsync("migrate", "--postgres", connection);
        Assert.True(exit == 0, error);
        Assert.Equal("sealed-bar schema is up to date", output.Trim());
        Assert.Equal(0, (await RunAsync("migrate", "--postgres", connection)).Exit);
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select count(*) from information_schema.tables where table_name in ('instruments','sealed_bars','sealed_levels')", db);
        Assert.Equal(3L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateWithoutAConnectionStringIsRefused()
    {
        var (exit, _, error) = await RunAsync("migrate");
        Assert.Equal(2, exit);
        Assert.Contains("Candles__Postgres", error);
    }

    [Fact]
    public async Task AServiceConfiguredWithPostgresMigratesItAtStart()
    {
        var connection = _postgres.ConnectionString("candles_start");
        var service = new RunningService($"--Candles:Postgres={connection}");
        await service.InitializeAsync();
        try
        {
            await using var db = Context(connection);
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASchemaOfAnEarlierVersionIsMigratedAndItsSealedBarsStayComplete()
    {
        // A database sealed by the first version, before bars carried whether they are complete.
        var connection = _postgres.ConnectionString("candles_upgrade");
        await using (var db = Context(connection))
        {
            await db.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>().CreateAsync();
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
            await db.Database.ExecuteSqlRawAsync(
                "insert into instruments values ('OLD:BAR', 0.01, 0.001); insert into sealed_bars (instrument, timeframe, zone, open_time, end_time, open, high, low, close, " +
                "buy_volume, sell_volume, quote_volume, trades, first_trade_id, first_trade_time_us, last_trade_id, last_trade_time_us, revision, footprint_step, sealed_at) " +
                "values ('OLD:BAR', '1d', 'UTC', 0, 86400000, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0, 1, now())");
        }

        var (exit, _, error) = await RunAsync("migrate", "--postgres", connection);
        Assert.True(exit == 0, error);
        await using var services = new ServiceCollection().AddPostgresSealedBarStore(connection).BuildServiceProvider();
        var old = await services.GetRequiredService<ISealedBarStore>().LoadAsync(new SealedSeries("OLD:BAR", Timeframe.Parse("1d"), "UTC"), long.MinValue, long.MaxValue);
        Assert.True(old.IsComplete(Assert.Single(old)), "a bar sealed before the column is read as partial");
    }

    private static CandlesDbContext Context(string connection) => new(new DbContextOptionsBuilder<CandlesDbContext>().UseNpgsql(connection).Options);
}
