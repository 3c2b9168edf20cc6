using System.Net;
using Candles.Gateway.Options;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Candles.Host.Serving;

/// <summary>
/// The gateway's listening sockets: every <c>--urls</c> address for REST, WebSocket and the page (HTTP/1.1), and
/// <c>Candles:Gateway:GrpcPort</c> for gRPC (HTTP/2 without TLS) on the first address's host. TLS is left to the
/// ingress or proxy in front.
/// </summary>
internal static class GatewayEndpoints
{
    /// <summary>Listens on the HTTP addresses and, when <c>grpc</c> (not in a silo-only process), on the gRPC port; returns that port.</summary>
    public static int Configure(WebApplicationBuilder builder, string defaultUrl, bool grpc = true)
    {
        // As ASP.NET Core reads them: --urls, then ASPNETCORE_URLS, then ASPNETCORE_HTTP_PORTS (the .NET container images' default).
        var ports = builder.Configuration["HTTP_PORTS"] is { Length: > 0 } httpPorts
            ? string.Join(';', httpPorts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"))
            : null;
        var urls = (builder.Configuration["urls"] is { Length: > 0 } given ? given : ports ?? defaultUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(BindingAddress.Parse)
            .ToList();
        if (urls.FirstOrDefault(u => u.Scheme != "http") is { } tls)
        {
            throw new InvalidOperationException($"'{tls}': the gateway listens on plain http; terminate TLS in front of it");
        }

        var grpcPort = builder.Configuration.GetValue<int?>($"{GatewayOptions.Section}:GrpcPort") ?? new GatewayOptions().GrpcPort;

        // The addresses are given to Kestrel directly, so hosting's own URL list stays empty.
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in urls)
            {
                Listen(kestrel, url.Host, url.Port, HttpProtocols.Http1);
            }

            if (grpc)
            {
                Listen(kestrel, urls[0].Host, grpcPort, HttpProtocols.Http2);
            }
        });
        return grpcPort;
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, HttpProtocols protocols)
    {
        Action<ListenOptions> configure = o => o.Protocols = protocols;
        if (host is "localhost")
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (host is "*" or "+" or "0.0.0.0" or "[::]" or "::")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port, configure);
        }
        else
        {
            // Another host name: every address, as ASP.NET Core itself binds it.
            kestrel.ListenAnyIP(port, configure);
        }
    }
}
