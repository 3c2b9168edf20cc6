using System.Security.Cryptography;
using System.Text;
using Candles.Gateway.Options;
using Candles.Gateway.Requests;
using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Endpoints;

/// <summary>Writes need <c>X-Api-Key</c> equal to the configured ingest key; with no key configured, writes are refused.</summary>
internal static class ApiKey
{
    public static IResult? Check(HttpRequest request, GatewayOptions options) =>
        IsValid(request.Headers["X-Api-Key"].ToString(), options)
            ? null
            : Problems.Problem(StatusCodes.Status401Unauthorized, "api_key_required", Requirement("the header X-Api-Key"));

    /// <summary>Compared in constant time; with no key configured nothing is valid.</summary>
    public static bool IsValid(string? given, GatewayOptions options)
    {
        var expected = options.IngestApiKey;
        return !string.IsNullOrEmpty(expected) && !string.IsNullOrEmpty(given)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
    }

    public static string Requirement(string where) => $"this endpoint needs {where} with the ingest key (Candles__Ingest__ApiKey)";
}
