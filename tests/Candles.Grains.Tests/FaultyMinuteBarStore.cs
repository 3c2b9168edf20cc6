using System.Collections.Concurrent;
using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Storage.MinuteBars;

namespace Candles.Grains.Tests;

/// <summary>
/// The in-memory 1m store with faults on demand, per instrument so tests sharing the silo stay apart: the Nth
/// commit from now throws (as Redis down or timing out would), or every trim throws.
/// </summary>
public sealed class FaultyMinuteBarStore : IMinuteBarStore
{
    private readonly ConcurrentDictionary<string, int> _commitsUntilFault = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failingTrims = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>The store underneath, for tests that play another writer or a store that lost writes.</summary>
    public InMemoryMinuteBarStore Inner { get; } = new();

    /// <summary>The <paramref name="nth"/> commit or rewrite of <paramref name="instrument"/> from now throws.</summary>
    public void FailCommit(string instrument, int nth = 1) => _commitsUntilFault[instrument] = nth;

    public void FailTrims(string instrument) => _failingTrims[instrument] = true;

    /// <summary>Every commit and rewrite of <paramref name="instrument"/> throws until <paramref name="down"/> is false (Redis down).</summary>
    public void Down(string instrument, bool down = true) => _down[instrument] = down;

    /// <summary>How many commits and rewrites of <paramref name="instrument"/> were tried, failed ones included.</summary>
    public int Attempts(string instrument) => _attempts.GetValueOrDefault(instrument);

    public Task<CommitResult> CommitAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        ThrowIfDue(instrument);
        return Inner.CommitAsync(instrument, bars, checkpoint, expected, written, cancellation);
    }

    public Task<CommitResult> RewriteAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        ThrowIfDue(instrument);
        return Inner.RewriteAsync(instrument, bars, checkpoint, expected, written, cancellation);
    }

    public Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default) =>
        Inner.LoadAsync(instrument, fromMs, toMs, cancellation);

    public Task<StoredHistory> LoadHistoryAsync(string instrument, CancellationToken cancellation = default) =>
        Inner.LoadHistoryAsync(instrument, cancellation);

    public Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default) =>
        _failingTrims.ContainsKey(instrument)
            ? Task.FromException(new TimeoutException($"injected: trim of {instrument} timed out"))
            : Inner.TrimAsync(instrument, beforeMs, cancellation);

    private void ThrowIfDue(string instrument)
    {
        _attempts.AddOrUpdate(instrument, 1, (_, n) => n + 1);
        if (_down.GetValueOrDefault(instrument))
        {
            throw new TimeoutException($"injected: {instrument}'s store is down");
        }

        if (_commitsUntilFault.TryGetValue(instrument, out var left))
        {
            if (left <= 1)
            {
                _commitsUntilFault.TryRemove(instrument, out _);
                throw new TimeoutException($"injected: commit of {instrument} timed out");
            }

            _commitsUntilFault[instrument] = left - 1;
        }
    }
}
