using Microsoft.AspNetCore.Http;

namespace Candles.Gateway.Requests;

/// <summary>RFC 7807 problem details with a stable machine code and a message that says what was wrong.</summary>
public static class Problems
{
    public static IResult BadRequest(string code, string detail) => Problem(StatusCodes.Status400BadRequest, code, detail);

    public static IResult From(RequestError error) => Problem(error.Status, error.Code, error.Message);

    public static IResult UnknownInstrument(string instrument) =>
        Problem(StatusCodes.Status404NotFound, "unknown_instrument", $"instrument '{instrument}' is not defined");

    public static IResult Problem(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: code.Replace('_', ' '), extensions: new Dictionary<string, object?> { ["code"] = code });
}
