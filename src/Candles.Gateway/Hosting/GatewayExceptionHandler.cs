using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Hosting;

/// <summary>
/// Turns the exceptions a request can meet without a bug into problem details: a transient failure into 503 with
/// <c>Retry-After</c>, a request Kestrel refused (a body over the size limit, a body cut short) into its 4xx.
/// Anything else stays a 500, logged by ASP.NET Core.
/// </summary>
internal sealed class GatewayExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        IResult? result = null;
        if (exception is BadHttpRequestException bad)
        {
            var code = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request";
            result = Problems.Problem(bad.StatusCode, code, bad.Message);
        }
        else if (Unavailability.IsTransient(exception))
        {
            http.Response.Headers.RetryAfter = Unavailability.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result = Problems.Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", Unavailability.Describe(exception));
        }

        if (result is null || http.Response.HasStarted)
        {
            return false;
        }

        await result.ExecuteAsync(http);
        return true;
    }
}
