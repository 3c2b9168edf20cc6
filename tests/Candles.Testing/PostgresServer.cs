using System.Diagnostics;
using System.Globalization;

namespace Candles.Testing;

/// <summary>
/// A real PostgreSQL (Debian's package, installed by infra/install-deps.sh) created with initdb in a temporary
/// folder and started with pg_ctl on a free loopback port for the test run; as root it runs as the
/// <c>postgres</c> user, since PostgreSQL refuses to run as root. Stopped and removed on dispose.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _folder;
    private readonly string _bin;
    private readonly bool _asPostgresUser = Environment.UserName == "root";

    public PostgresServer()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin")).First()
            : throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql); run infra/install-deps.sh");
        _folder = Directory.CreateTempSubdirectory("candles-pg-").FullName;
        if (_asPostgresUser)
        {
            Run("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);
        }

        Port = LoopbackPorts.Free();
        Run(Path.Combine(_bin, "initdb"), ["-D", Data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        Start();
    }

    public int Port { get; }

    /// <summary>An Npgsql connection string for a database of this name (created by EF Core's migrations).</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true";

    private string Data => Path.Combine(_folder, "data");

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>), as an outage would.</summary>
    public void Stop() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"]);

    /// <summary>
    /// Starts the stopped server again on the same port and data. A commit is written before it is acknowledged, so an
    /// immediate stop loses none, as with the server's defaults (with <c>synchronous_commit=off</c> it lost the last
    /// acknowledged seal now and then, which the sealer had rightly moved past); nothing is synced to disk, as a machine
    /// crash is no test here.
    /// </summary>
    public void Start() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-l", Path.Combine(_folder, "log"), "-w", "-t", "30", "start",
        "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"]);

    public void Dispose()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException) when (!File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            // A test stopped it and failed before starting it again.
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void Run(string program, string[] args, bool asPostgres = true)
    {
        var start = asPostgres && _asPostgresUser
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. args])
            : new ProcessStartInfo(program, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({(process.HasExited ? process.ExitCode : -1)}): {error} {output.Result}");
        }
    }

}
