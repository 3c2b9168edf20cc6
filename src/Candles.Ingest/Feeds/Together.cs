namespace Candles.Ingest.Feeds;

/// <summary>Tasks that run as one: the first to fail cancels the others, and its failure is what the whole throws.</summary>
internal static class Together
{
    public static async Task RunAsync(IEnumerable<Func<CancellationToken, Task>> parts, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        await Task.WhenAll([.. parts.Select(part => WatchAsync(part, stop))]);
    }

    private static async Task WatchAsync(Func<CancellationToken, Task> part, CancellationTokenSource stop)
    {
        try
        {
            await part(stop.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stop.CancelAsync();
            throw;
        }
    }
}
