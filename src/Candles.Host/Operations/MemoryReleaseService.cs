using Candles.Host.Serving;
using Microsoft.Extensions.Options;

namespace Candles.Host.Operations;

/// <summary>
/// Checks every <see cref="SiloOptions.MemoryReleaseCheck"/> whether a burst has left the collector holding memory
/// the process no longer uses (<see cref="MemoryRelease"/>), and if so collects aggressively: a blocking, compacting
/// collection of every generation that decommits what it frees. Zero turns it off.
/// </summary>
public sealed partial class MemoryReleaseService(IOptions<SiloOptions> options, TimeProvider clock, ILogger<MemoryReleaseService> logger) : BackgroundService
{
    /// <summary>The longest period between checks: a longer setting is taken as this.</summary>
    public static readonly TimeSpan MaximumCheck = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.MemoryReleaseCheck;
        if (period <= TimeSpan.Zero)
        {
            return;
        }

        var (release, started) = (new MemoryRelease(), clock.GetTimestamp());
        using var timer = new PeriodicTimer(period < MaximumCheck ? period : MaximumCheck, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var (info, allocated) = (GC.GetGCMemoryInfo(), GC.GetTotalAllocatedBytes());
                var live = info.HeapSizeBytes - info.FragmentedBytes;
                LogChecked(logger, info.TotalCommittedBytes >> 20, live >> 20, allocated >> 20);
                if (release.ShouldRelease(info.TotalCommittedBytes, live, allocated, clock.GetElapsedTime(started)))
                {
                    var collecting = clock.GetTimestamp();
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    var (after, took) = (GC.GetGCMemoryInfo(), clock.GetElapsedTime(collecting).TotalMilliseconds);
                    LogReleased(logger, info.TotalCommittedBytes >> 20, after.TotalCommittedBytes >> 20, (after.HeapSizeBytes - after.FragmentedBytes) >> 20, took);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Memory: {Committed} MiB committed, {Live} MiB live at the last collection, {Allocated} MiB allocated since start")]
    private static partial void LogChecked(ILogger logger, long committed, long live, long allocated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released memory left over from a burst: {Before} MiB committed before, {After} MiB after, {Live} MiB live; the collection took {Ms} ms")]
    private static partial void LogReleased(ILogger logger, long before, long after, long live, double ms);
}
