using Candles.Grains.Hosting;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Candles.Grains.Tests;

/// <summary>One in-process silo whose grains read a fake clock that the tests move.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The silo's sealed-bar store, so tests can see what was sealed.</summary>
    public InMemorySealedBarStore SealedBars { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.AddMemoryGrainStorage(CandlesSiloBuilderExtensions.StorageName);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<ISealedBarStore>(SealedBars);
            silo.AddCandleGrains(new ConfigurationBuilder().Build(), o => o.ScanPeriod = TimeSpan.FromMilliseconds(50));
        });
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
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
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

[CollectionDefinition(nameof(SharedCluster))]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>;
