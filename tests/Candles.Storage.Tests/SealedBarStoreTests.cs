using Candles.Storage.Sealed;
using Candles.Storage.Sealed.Hosting;
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
}
