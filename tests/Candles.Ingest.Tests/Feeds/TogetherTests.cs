using Candles.Ingest.Feeds;

namespace Candles.Ingest.Tests.Feeds;

public class TogetherTests
{
    [Fact]
    public async Task TheFirstPartToFailStopsTheOthersAndItsFailureIsTheWholes()
    {
        var otherStopped = false;
        var run = Together.RunAsync(
            [
                async token =>
                {
                    await Task.Delay(Timeout.Infinite, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    otherStopped = token.IsCancellationRequested;
                    token.ThrowIfCancellationRequested();
                },
                async _ =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("the part failed");
                },
            ],
            CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("the part failed", failure.Message);
        Assert.True(otherStopped);
    }

    [Fact]
    public async Task StoppedFromOutsideTheWholeEndsCancelled()
    {
        using var stop = new CancellationTokenSource();
        var run = Together.RunAsync([token => Task.Delay(Timeout.Infinite, token), token => Task.Delay(Timeout.Infinite, token)], stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
