using Microsoft.Extensions.Hosting;

namespace Candles.Storage.Sealed.Hosting;

/// <summary>Migrates the sealed-bar schema when the host starts, before the services registered after it.</summary>
internal sealed class SealedBarMigrationService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.MigrateSealedBarStoreAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
