using Candles.Host.Operations;
using Candles.Host.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Candles.Host.Tests;

/// <summary>Cluster mode without PostgreSQL keeps sealed bars in one process's memory: the service says so at start.</summary>
public sealed class InMemorySealedBarsWarningTests
{
    private static bool Warns(params string[] settings) =>
        CandlesServer.Build(["--urls", "http://127.0.0.1:0", "--Candles:Silo:Simulator=false", .. settings])
            .Services.GetServices<IHostedService>().OfType<InMemorySealedBarsWarning>().Any();

    [Fact]
    public void OnlyAClusterWithoutPostgresIsWarned()
    {
        Assert.True(Warns("--Candles:Redis=127.0.0.1:1"));
        Assert.False(Warns("--Candles:Redis=127.0.0.1:1", "--Candles:Postgres=Host=127.0.0.1;Port=1;Username=postgres;Database=candles"));
        Assert.False(Warns());
    }
}
