using System.Collections.Concurrent;

namespace Candles.Gateway.Requests;

/// <summary>
/// Identical reads in flight at the same time share one: the first request composes and serializes, the others
/// wait for its bytes. Nothing is kept once the read completes, so an answer is never older than the request, and
/// a burst of the same heavy request (a chart's 5,000 footprint bars opened by many users) costs one composition
/// and one response body, not one per request.
/// </summary>
public sealed class SharedReads
{
    private readonly ConcurrentDictionary<string, Lazy<Task<SharedRead>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The JSON body, or the reason it was refused.</summary>
    public sealed record SharedRead(byte[]? Json, RequestError? Error);

    public async Task<SharedRead> ReadAsync(string key, Func<Task<SharedRead>> read)
    {
        var shared = _inFlight.GetOrAdd(key, _ => new Lazy<Task<SharedRead>>(read, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await shared.Value;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<SharedRead>>>(key, shared));
        }
    }
}
