namespace Candles.Gateway.Requests;

/// <summary>The machine code of a problem the framework writes by itself, from its status.</summary>
public static class ProblemCodes
{
    public static string ForStatus(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "body_too_large",
        415 => "unsupported_media_type",
        503 => "unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };

    /// <summary>A message for a problem the framework wrote without one.</summary>
    public static string Describe(int status, Microsoft.AspNetCore.Http.HttpRequest request) => status switch
    {
        404 => $"nothing is served at {request.Path}",
        405 => $"{request.Method} is not allowed on {request.Path}",
        415 => $"content type '{request.ContentType}' is not accepted by {request.Path}",
        _ => $"the request to {request.Path} failed with status {status}",
    };
}
