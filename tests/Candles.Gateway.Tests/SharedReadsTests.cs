using Candles.Gateway.Requests;

namespace Candles.Gateway.Tests;

public class SharedReadsTests
{
    [Fact]
    public async Task IdenticalReadsInFlightShareOneAndDifferentOnesDoNot()
    {
        var reads = new SharedReads();
        var produced = 0;
        var release = new TaskCompletionSource();
        async Task<SharedReads.SharedRead> Slow()
        {
            Interlocked.Increment(ref produced);
            await release.Task;
            return new SharedReads.SharedRead([1, 2, 3], null);
        }

        // Each caller's read is in flight once ReadAsync returns (it awaits the shared read); all 51 are before the release.
        var started = 0;
        Task<SharedReads.SharedRead> Start(string key) => Task.Run(() =>
        {
            var read = reads.ReadAsync(key, Slow);
            Interlocked.Increment(ref started);
            return read;
        });
        var same = Enumerable.Range(0, 50).Select(_ => Start("footprint|A")).ToList();
        var other = Start("footprint|B");
        while (Volatile.Read(ref started) < 51)
        {
            await Task.Delay(5);
        }

        release.SetResult();
        var answers = await Task.WhenAll(same);
        await other;
        Assert.Equal(2, produced);
        Assert.All(answers, a => Assert.Same(answers[0].Json, a.Json));
    }

    [Fact]
    public async Task NothingIsKeptOnceAReadCompletes()
    {
        var reads = new SharedReads();
        var produced = 0;
        Task<SharedReads.SharedRead> Read() => Task.FromResult(new SharedReads.SharedRead([(byte)Interlocked.Increment(ref produced)], null));
        var first = await reads.ReadAsync("k", Read);
        var second = await reads.ReadAsync("k", Read);
        Assert.Equal((1, 2), (first.Json![0], second.Json![0]));
    }

    [Fact]
    public async Task AFailedReadFailsItsSharersAndTheNextReadTriesAgain()
    {
        var reads = new SharedReads();
        await Assert.ThrowsAsync<TimeoutException>(() => reads.ReadAsync("k", () => Task.FromException<SharedReads.SharedRead>(new TimeoutException("store down"))));
        var again = await reads.ReadAsync("k", () => Task.FromResult(new SharedReads.SharedRead([9], null)));
        Assert.Equal(9, again.Json![0]);
    }
}
