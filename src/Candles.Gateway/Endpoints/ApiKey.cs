using System.Security.Cryptography;
using System.Text;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Endpoints;

/// <summary>Writes need <c>X-Api-Key</c> equal to the configured ingest key; with no key configured, writes are refused.</summary>
internal static class ApiKey
{
    public static IResult? Check(HttpRequest request, GatewayOptions options)
    {
        var given = request.Headers["X-Api-Key"].ToString();
        var expected = options.IngestApiKey;
        var ok = !string.IsNullOrEmpty(expected) && given.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
        return ok ? null : Problems.Problem(StatusCodes.Status401Unauthorized, "api_key_required", "this endpoint needs the header X-Api-Key with the ingest key (Candles__Ingest__ApiKey)");
    }
}
