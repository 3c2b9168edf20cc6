using Candles.Host.Serving;
using Candles.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>The real service started in this process on loopback ports of its own, with extra settings if given.</summary>
public class RunningService(params string[] settings) : IAsyncLifetime
{
    public const string ApiKey = "e2e-ingest-key";

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>The gRPC endpoint (HTTP/2 without TLS).</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>More services for the host, registered last (a fault to inject).</summary>
    protected Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>The running host's services, for tests that reach inside (its cluster client).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>A timeframe grain (<c>INSTRUMENT|TF|ZONE</c>), through this process's cluster client.</summary>
    public Abstractions.Grains.ITimeframeGrain TimeframeGrain(string key) =>
        Services.GetRequiredService<IClusterClient>().GetGrain<Abstractions.Grains.ITimeframeGrain>(key);

    /// <summary><c>ws://</c> address of the live protocol.</summary>
    public Uri WebSocketAddress => new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;

    public async Task InitializeAsync()
    {
        // A port found free can be taken before it is bound, by another test process picking from the same range: then
        // the service starts again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            GrpcAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
            _app = CandlesServer.Build(
            [
                "--urls", "http://127.0.0.1:0",
                $"--Candles:Ingest:ApiKey={ApiKey}",
                "--Candles:Silo:Simulator=false",
                $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}",
                $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}",
                $"--Candles:Gateway:GrpcPort={GrpcAddress.Port}",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ], ExtraServices);
            try
            {
                await _app.StartAsync();
                break;
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                // What started before the failed bind (the silo) stops with it.
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }

        BaseAddress = new Uri(_app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    private static bool IsAddressInUse(Exception? e) => e switch
    {
        null => false,
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
        AggregateException all => all.InnerExceptions.Any(IsAddressInUse),
        _ => IsAddressInUse(e.InnerException),
    };

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

}

/// <summary>Embedded mode: in-memory everything.</summary>
public sealed class EmbeddedServer : RunningService
{
    public new const string ApiKey = RunningService.ApiKey;
}
