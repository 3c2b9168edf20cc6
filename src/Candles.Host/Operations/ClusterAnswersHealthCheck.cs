using Candles.Abstractions.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Candles.Host.Operations;

/// <summary>A gateway-only process is ready while the cluster answers it: one call to the instrument registry.</summary>
internal sealed class ClusterAnswersHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var instruments = await grains.GetGrain<IInstrumentRegistryGrain>(0).List().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"the cluster answers ({instruments.Count} instruments)");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", ex);
        }
    }
}
