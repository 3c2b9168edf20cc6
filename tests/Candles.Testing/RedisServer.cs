using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Candles.Testing;

/// <summary>
/// A real <c>redis-server</c> (Debian's package, installed by infra/install-deps.sh) started for the test run on a
/// free loopback port, in a temporary folder; stopped and removed on dispose. No persistence unless
/// appendOnly (AOF with <c>appendfsync everysec</c>, as production runs it); a one-node Redis
/// Cluster owning every slot if cluster, so commands that span hash slots fail as they would
/// on a sharded Redis.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("candles-redis-").FullName;
    private readonly bool _appendOnly;
    private readonly bool _cluster;
    private Process _process;

    public RedisServer(bool appendOnly = false, bool cluster = false)
    {
        (_appendOnly, _cluster) = (appendOnly, cluster);
        Port = LoopbackPorts.Free();
        _process = Start();
        if (cluster)
        {
            RedisCli("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            WaitUntil(() => RedisCli("CLUSTER", "INFO").Contains("cluster_state:ok", StringComparison.Ordinal), "the one-node cluster to own every slot");
        }
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>SIGKILL, as a crash: whatever AOF had not fsynced is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    /// <summary>Starts the server again on the same port and folder, so it loads what it persisted.</summary>
    public void Restart()
    {
        _process.Dispose();
        _process = Start();
    }

    /// <summary>Runs <c>redis-cli</c> against this server and returns what it printed.</summary>
    public string RedisCli(params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var cli = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = cli.StandardOutput.ReadToEnd();
        cli.WaitForExit(10_000);
        return output;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Process Start()
    {
        var executable = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        List<string> arguments = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--dir", _folder];
        arguments.AddRange(_appendOnly ? ["--appendonly", "yes", "--appendfsync", "everysec"] : ["--appendonly", "no"]);
        if (_cluster)
        {
            arguments.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]);
        }

        var process = Process.Start(new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("redis-server did not start; run infra/install-deps.sh");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        _process = process;
        WaitUntilListening();
        return process;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            Thread.Sleep(50);
        }
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {_process.StandardError.ReadToEnd()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {Port} within 10 s");
    }

}
