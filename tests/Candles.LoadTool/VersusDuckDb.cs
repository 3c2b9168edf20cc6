using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Candles.Core.Instruments;
using DuckDB.NET.Data;

namespace Candles.LoadTool;

/// <summary>
/// <c>versus-duckdb</c>: the <c>aggregate</c> verb against DuckDB on the same tape and the same candle rollups, in one
/// run, turn about. Ours is timed as a user runs it: <c>dotnet candles.dll aggregate</c>, process start included.
/// DuckDB runs in this process (its start-up is not counted, in its favour): a fresh in-memory database loads the
/// .csv.gz into a table with exact decimals and writes one candle file per timeframe, as ours does. With
/// <c>--golden</c>, both outputs are compared with the golden files first (numbers by value), so the two do the same work.
/// </summary>
internal static class VersusDuckDb
{
    private const string GoldenTimeframes = "1m,3m,5m,7m,15m,30m,1h,90m,2h,4h,6h,12h,1d,1w,1M";

    public static Command Create()
    {
        var file = new Option<string>("--file") { Required = true, Description = "a Binance trades CSV (.csv or .csv.gz)" };
        var candles = new Option<string>("--candles") { Required = true, Description = "the built candles.dll" };
        var tickSize = new Option<string>("--tick-size") { DefaultValueFactory = _ => "0.01" };
        var qtyStep = new Option<string>("--qty-step") { DefaultValueFactory = _ => "0.00001" };
        var timeframes = new Option<string>("--tf") { DefaultValueFactory = _ => GoldenTimeframes };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 10 };
        var golden = new Option<string?>("--golden") { Description = "a folder of golden candles_<tf>_UTC.csv files both outputs must equal" };
        var command = new Command("versus-duckdb", "Time the aggregate verb against DuckDB on the same tape and candle rollups, turn about.") { file, candles, tickSize, qtyStep, timeframes, runs, golden };

        command.SetAction(parse => Run(
            Path.GetFullPath(parse.GetRequiredValue(file)), Path.GetFullPath(parse.GetRequiredValue(candles)), parse.GetValue(tickSize)!, parse.GetValue(qtyStep)!,
            parse.GetValue(timeframes)!.Split(','), Math.Clamp(parse.GetValue(runs), 1, 100), parse.GetValue(golden)));
        return command;
    }

    private static int Run(string file, string candles, string tickSize, string qtyStep, string[] timeframes, int runs, string? golden)
    {
        var (priceScale, qtyScale) = (Increment.Parse(tickSize).Scale, Increment.Parse(qtyStep).Scale);
        var ours = Directory.CreateTempSubdirectory("candles-ours-");
        var theirs = Directory.CreateTempSubdirectory("candles-duckdb-");
        try
        {
            // One of each first (warming the file cache and DuckDB's library), and the outputs checked.
            Aggregate(candles, file, tickSize, qtyStep, timeframes, ours.FullName);
            DuckDb(file, priceScale, qtyScale, timeframes, theirs.FullName);
            if (golden is not null && !(SameAsGolden(golden, ours.FullName, timeframes, "aggregate") & SameAsGolden(golden, theirs.FullName, timeframes, "DuckDB")))
            {
                return 1;
            }

            var (oursMs, theirsMs) = (new List<double>(), new List<double>());
            for (var i = 0; i < runs; i++)
            {
                oursMs.Add(Aggregate(candles, file, tickSize, qtyStep, timeframes, ours.FullName));
                theirsMs.Add(DuckDb(file, priceScale, qtyScale, timeframes, theirs.FullName));
            }

            Console.WriteLine($"{Path.GetFileName(file)}, {timeframes.Length} timeframes, {runs} runs each, turn about, {Environment.ProcessorCount} cores");
            Console.WriteLine(Line("aggregate (dotnet candles.dll)", oursMs));
            Console.WriteLine(Line("DuckDB " + DuckDbVersion() + " (in process)", theirsMs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregate is {Median(theirsMs) / Median(oursMs):F2}x faster by the medians, {theirsMs.Min() / oursMs.Min():F2}x by the best runs"));
            return 0;
        }
        finally
        {
            ours.Delete(recursive: true);
            theirs.Delete(recursive: true);
        }
    }

    /// <summary>Wall milliseconds of one <c>dotnet candles.dll aggregate</c> process.</summary>
    private static double Aggregate(string candles, string file, string tickSize, string qtyStep, string[] timeframes, string output)
    {
        var start = new ProcessStartInfo("dotnet", [candles, "aggregate", "--file", file, "--tick-size", tickSize, "--qty-step", qtyStep, "--tf", string.Join(',', timeframes), "--out", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return process.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"aggregate failed ({process.ExitCode}): {error.Result}");
    }

    /// <summary>Wall milliseconds of a fresh in-memory DuckDB loading the tape and writing one candle file per timeframe.</summary>
    private static double DuckDb(string file, int priceScale, int qtyScale, string[] timeframes, string output)
    {
        var clock = Stopwatch.StartNew();
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, string.Create(CultureInfo.InvariantCulture,
            $"CREATE TABLE t AS SELECT * FROM read_csv('{file}', header = false, columns = {{'id': 'BIGINT', 'price': 'DECIMAL(18,{priceScale})', 'qty': 'DECIMAL(18,{qtyScale})', 'quote': 'VARCHAR', 'time_us': 'BIGINT', 'maker': 'BOOLEAN', 'best': 'VARCHAR'}})"));
        foreach (var tf in timeframes)
        {
            Execute(connection, $"""
                COPY (
                  SELECT {OpenTime(tf)} AS open_time,
                    first(price ORDER BY time_us, id) AS open, max(price) AS high, min(price) AS low, last(price ORDER BY time_us, id) AS close,
                    sum(qty) AS volume, coalesce(sum(qty) FILTER (WHERE NOT maker), 0) AS buy_volume, coalesce(sum(qty) FILTER (WHERE maker), 0) AS sell_volume,
                    sum(price * qty) AS quote_volume, count(*) AS trades,
                    first(id ORDER BY time_us, id) AS first_trade_id, last(id ORDER BY time_us, id) AS last_trade_id
                  FROM t GROUP BY 1 ORDER BY 1
                ) TO '{Path.Combine(output, $"candles_{tf}_UTC.csv")}' (HEADER, DELIMITER ',')
                """);
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>The bar's open time in Unix ms, as SQL: intraday bars anchored to the UTC day, calendar bars by <c>date_trunc</c>.</summary>
    private static string OpenTime(string tf)
    {
        const string day = "86400000000";
        if (tf is "1d" or "1w" or "1M")
        {
            var unit = tf switch { "1d" => "day", "1w" => "week", _ => "month" };
            return $"epoch_ms(date_trunc('{unit}', make_timestamp(time_us)))";
        }

        var length = long.Parse(tf[..^1], CultureInfo.InvariantCulture) * (tf[^1] == 'h' ? 3_600_000_000 : 60_000_000);
        return string.Create(CultureInfo.InvariantCulture, $"(time_us // {day}) * 86400000 + ((time_us % {day}) // {length}) * {length / 1000}");
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string DuckDbVersion()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version()";
        return command.ExecuteScalar()?.ToString() ?? "?";
    }

    private static bool SameAsGolden(string golden, string output, string[] timeframes, string who)
    {
        var same = true;
        foreach (var tf in timeframes)
        {
            var name = $"candles_{tf}_UTC.csv";
            var expected = Path.Combine(golden, name);
            if (!File.Exists(expected))
            {
                Console.Error.WriteLine($"{expected} does not exist: nothing to compare {who}'s {name} with");
                same = false;
            }
            else if (!Candles.Testing.CsvAssert.Same(File.ReadAllLines(expected), File.ReadAllLines(Path.Combine(output, name))))
            {
                Console.Error.WriteLine($"{who}: {name} differs from the golden file");
                same = false;
            }
        }

        return same;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Line(string who, List<double> ms) => string.Create(CultureInfo.InvariantCulture,
        $"{who}: median {Median(ms):F0} ms, mean {ms.Average():F0} ms, best {ms.Min():F0} ms, worst {ms.Max():F0} ms");
}
