using Candles.Gateway.Live;
using Candles.Gateway.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Gateway.WebSockets;

/// <summary><c>/ws</c>: the live protocol over WebSocket JSON text frames.</summary>
internal static class WebSocketEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.Map("/ws", async (HttpContext http, LiveFeedHub hub, IOptions<GatewayOptions> options, ILoggerFactory loggers, IHostApplicationLifetime lifetime) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Requests.Problems.BadRequest("websocket_required", "/ws speaks WebSocket: open it with a WebSocket client");
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            using var session = new WebSocketSession(socket, hub, options.Value, loggers.CreateLogger<WebSocketSession>());
            await session.RunAsync(http.RequestAborted, lifetime.ApplicationStopping);
            return Results.Empty;
        }).ExcludeFromDescription();
    }
}
