namespace Candles.Host.Serving;

/// <summary>
/// What one <c>candles serve</c> process runs, from <c>Candles:Role</c>: <c>all</c> (default: a silo with the gateway
/// in the same process), <c>silo</c> (grains, feeds and sealing; HTTP for health and metrics only) or <c>gateway</c>
/// (REST, WebSocket, gRPC, UDF and the page as an Orleans client of a Redis-clustered cluster), so gateways scale
/// apart from silos.
/// </summary>
public enum ServiceRole
{
    All,
    Silo,
    Gateway,
}

internal static class ServiceRoles
{
    public const string Setting = "Candles:Role";

    /// <summary>The configured role; anything else than the three names stops start-up with a message naming the setting.</summary>
    public static ServiceRole Parse(string? value, bool clustered)
    {
        var role = value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "all" => ServiceRole.All,
            "silo" => ServiceRole.Silo,
            "gateway" => ServiceRole.Gateway,
            _ => throw new InvalidOperationException($"{Setting} is '{value}': give all, silo or gateway"),
        };
        if (role == ServiceRole.Gateway && !clustered)
        {
            throw new InvalidOperationException($"{Setting}=gateway joins a cluster through Redis: set Candles:Redis too");
        }

        return role;
    }

    public static bool RunsSilo(this ServiceRole role) => role != ServiceRole.Gateway;

    public static bool RunsGateway(this ServiceRole role) => role != ServiceRole.Silo;
}
