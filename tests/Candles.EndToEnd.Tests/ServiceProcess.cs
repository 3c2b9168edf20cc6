using System.Diagnostics;
using Candles.Testing;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// The built <c>candles</c> executable as a separate process on fixed loopback ports, so a test can kill it with
/// SIGKILL and start it again where clients (a replay's retries) find it.
/// </summary>
internal sealed class ServiceProcess(params string[] settings) : IDisposable
{
    private readonly int _httpPort = LoopbackPorts.Free();
    private readonly int _siloPort = LoopbackPorts.Free();
    private readonly int _gatewayPort = LoopbackPorts.Free();
    private readonly int _grpcPort = LoopbackPorts.Free();
    private Process? _process;

    public Uri BaseAddress => new($"http://127.0.0.1:{_httpPort}/");

    /// <summary>The gRPC endpoint (HTTP/2 without TLS).</summary>
    public Uri GrpcAddress => new($"http://127.0.0.1:{_grpcPort}");

    /// <summary>The silo-to-silo port: part of this process's silo address.</summary>
    public int SiloPort => _siloPort;

    /// <summary>Whether the process has ended (killed, stopped, crashed).</summary>
    public bool HasExited => _process is null || _process.HasExited;

    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", RunningService.ApiKey);
        return client;
    }

    /// <summary>Starts the process and waits until <paramref name="readyPath"/> answers 2xx; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync(string readyPath = "api/v1/instruments")
    {
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "candles.dll"), "serve", "--urls", BaseAddress.ToString().TrimEnd('/'),
            $"--Candles:Silo:SiloPort={_siloPort}", $"--Candles:Silo:GatewayPort={_gatewayPort}", $"--Candles:Gateway:GrpcPort={_grpcPort}",
            $"--Candles:Ingest:ApiKey={RunningService.ApiKey}", "--Logging:LogLevel:Default=Warning", .. settings,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        // CANDLES_TEST_LOGS names a folder for the processes' console output, for reading a failure afterwards.
        var logs = Environment.GetEnvironmentVariable("CANDLES_TEST_LOGS");
        var log = logs is null ? null : TextWriter.Synchronized(new StreamWriter(Path.Combine(logs, $"service-{_httpPort}-{Environment.TickCount64}.log")) { AutoFlush = true });
        _process.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
        _process.ErrorDataReceived += (_, e) => log?.WriteLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var ready = await client.GetAsync(readyPath);
                if (ready.IsSuccessStatusCode)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"the candles process did not start serving (exited: {_process.HasExited})");
    }

    /// <summary>SIGKILL: no shutdown, no flush, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGTERM, and waits up to <paramref name="within"/> (default 30 s) for the process to stop by itself, else kills
    /// it; returns its exit code (null when it had to be killed) and how long it took.
    /// </summary>
    public (int? ExitCode, TimeSpan Took) Stop(TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            term.WaitForExit();
        }

        int? exitCode = null;
        if (_process.WaitForExit(within ?? TimeSpan.FromSeconds(30)))
        {
            exitCode = _process.ExitCode;
        }
        else
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _process = null;
        return (exitCode, clock.Elapsed);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
    }
}
