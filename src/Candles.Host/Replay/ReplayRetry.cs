using System.Net;
using Polly;
using Polly.Retry;

namespace Candles.Host.Replay;

/// <summary>Which failures replay tries again, and the retry pipeline that does it.</summary>
public static class ReplayRetry
{
    /// <summary>What a request is, for the retry notices (e.g. "ingest after 20,000 ticks").</summary>
    public static ResiliencePropertyKey<string> Request { get; } = new("candles.replay.request");

    /// <summary>A status worth trying again: the service is down, busy or slow, not refusing the input.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    public static string GaveUp(ReplayRetryOptions options) =>
        options.MaxAttempts == 1 ? "gave up after 1 attempt" : $"gave up after {options.MaxAttempts} attempts";

    /// <summary>The wait a response asks for in <c>Retry-After</c>, at most <paramref name="cap"/>; null without one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan cap)
    {
        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        return wait is { } w ? TimeSpan.FromTicks(Math.Clamp(w.Ticks, 0, cap.Ticks)) : null;
    }

    public static ResiliencePipeline<HttpResponseMessage> Create(
        ReplayRetryOptions options, TimeProvider time, Func<OnRetryArguments<HttpResponseMessage>, ValueTask> onRetry)
    {
        if (options.Retries == 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => IsTransient(response.StatusCode),
                    { Exception: HttpRequestException } => true,
                    // A timeout, not the user's Ctrl+C: the pipeline stops by itself when that token is cancelled.
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    _ => false,
                }),
                // Polly leaves a generated delay uncapped, so the cap is applied here.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter(response, time.GetUtcNow(), options.MaxDelay) : null),
                OnRetry = onRetry,
            })
            .Build();
    }
}
