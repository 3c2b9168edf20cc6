using System.Net;
using Candles.Host.Replay;

namespace Candles.Host.Tests;

public class ReplayRetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Unavailable(Action<HttpResponseMessage> headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        headers(response);
        return response;
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    public void OnlyAnswersThatMayPassAreRetried(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, ReplayRetry.IsTransient(status));

    [Fact]
    public void RetryAfterInSecondsIsTakenAsGiven()
    {
        using var response = Unavailable(r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(2), ReplayRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void RetryAfterAsADateIsTheWaitUntilThen()
    {
        using var response = Unavailable(r => r.Headers.RetryAfter = new(Now.AddSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), ReplayRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void RetryAfterIsCappedAtTheLongestDelayAndNeverNegative()
    {
        using var later = Unavailable(r => r.Headers.RetryAfter = new(TimeSpan.FromHours(1)));
        using var past = Unavailable(r => r.Headers.RetryAfter = new(Now.AddSeconds(-5)));
        Assert.Equal(TimeSpan.FromSeconds(30), ReplayRetry.RetryAfter(later, Now, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.Zero, ReplayRetry.RetryAfter(past, Now, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void WithoutRetryAfterTheBackoffDecides()
    {
        using var response = Unavailable(_ => { });
        Assert.Null(ReplayRetry.RetryAfter(response, Now, TimeSpan.FromSeconds(30)));
    }
}
