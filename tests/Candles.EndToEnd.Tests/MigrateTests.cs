using System.CommandLine;
using Candles.Host.Cli;
using Candles.Testing;

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
            await using var db = new Npgsql.NpgsqlConnection(connection);
            await db.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("select count(*) from \"__EFMigrationsHistory\"", db);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}
