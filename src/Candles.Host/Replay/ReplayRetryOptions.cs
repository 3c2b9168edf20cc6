namespace Candles.Host.Replay;

/// <summary>
/// How often and how patiently replay tries a request again after a failure that may pass (a 5xx, 408 or 429
/// answer, no connection, a timeout). Safe because ingest is idempotent by trade id: a batch sent twice is
/// answered with duplicates, never counted twice.
/// </summary>
/// <param name="Retries">Attempts after the first; 0 never retries.</param>
/// <param name="FirstDelay">Median wait before the first retry; it doubles per retry, with jitter.</param>
/// <param name="MaxDelay">Longest wait between two attempts, a server's <c>Retry-After</c> included.</param>
public sealed record ReplayRetryOptions(int Retries, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static ReplayRetryOptions Default { get; } = new(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));

    public int MaxAttempts => Retries + 1;
}
