using System.CommandLine;
using Candles.Core.Instruments;
using Candles.Host.Cli;
using Candles.Ingest.Replay;

namespace Candles.Host.Replay;

/// <summary>
/// <c>replay --file trades.csv[.gz] --instrument BINANCE:ETHUSDT --tick-size 0.01 --qty-step 0.0001
/// [--url http://127.0.0.1:5080] [--api-key KEY] [--rate TICKS_PER_S] [--retries 10] [--retry-delay 200ms]
/// [--retry-max-delay 30s]</c>
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file") { Description = "Binance trades CSV, plain or gzip", Required = true };
        var instrumentOption = new Option<string>("--instrument") { Description = "instrument id, VENUE:SYMBOL", Required = true };
        var tickSize = new Option<string>("--tick-size") { Description = "price increment, e.g. 0.01", Required = true };
        var quantityStep = new Option<string>("--qty-step") { Description = "quantity increment, e.g. 0.0001", Required = true };
        var url = new Option<string>("--url") { Description = "the service's base URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var apiKey = new Option<string?>("--api-key") { Description = "ingest key (default: Candles__Ingest__ApiKey from the environment)" };
        var rate = new Option<long?>("--rate") { Description = "at most this many ticks per second (default: as fast as the service takes them)" };
        var batch = new Option<int>("--batch") { Description = "ticks per request", DefaultValueFactory = _ => 20_000 };
        var retries = new Option<int>("--retries")
        {
            Description = "times a request is sent again after a 5xx, 408 or 429 answer, a lost connection or a timeout (0: never)",
            DefaultValueFactory = _ => ReplayRetryOptions.Default.Retries,
        };
        var retryDelay = new Option<string>("--retry-delay") { Description = "median wait before the first retry, doubled per retry with jitter", DefaultValueFactory = _ => "200ms" };
        var retryMaxDelay = new Option<string>("--retry-max-delay") { Description = "longest wait between attempts, a Retry-After included", DefaultValueFactory = _ => "30s" };
        var command = new Command("replay", "Replay a trades file into a running service through its ingest API.")
        {
            file, instrumentOption, tickSize, quantityStep, url, apiKey, rate, batch, retries, retryDelay, retryMaxDelay,
        };

        command.SetAction(async (parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var errors = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            if (!InstrumentId.TryParse(parse.GetValue(instrumentOption), out var id, out var idError))
            {
                problems.Add($"--instrument: {idError}");
            }

            if (!Increment.TryParse(parse.GetValue(tickSize), out var tick, out var tickError))
            {
                problems.Add($"--tick-size: {tickError}");
            }

            if (!Increment.TryParse(parse.GetValue(quantityStep), out var step, out var stepError))
            {
                problems.Add($"--qty-step: {stepError}");
            }

            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                problems.Add($"--file: '{path}' does not exist");
            }

            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseUri))
            {
                problems.Add($"--url: '{parse.GetValue(url)}' is not an absolute URL");
            }

            if (parse.GetValue(batch) is < 1 or > 100_000)
            {
                problems.Add("--batch must be between 1 and 100000");
            }

            if (parse.GetValue(retries) is < 0 or > 1000)
            {
                problems.Add("--retries must be between 0 and 1000");
            }

            if (!DurationText.TryParse(parse.GetValue(retryDelay), out var firstDelay, out var delayError))
            {
                problems.Add($"--retry-delay: {delayError}");
            }

            if (!DurationText.TryParse(parse.GetValue(retryMaxDelay), out var maxDelay, out var maxDelayError))
            {
                problems.Add($"--retry-max-delay: {maxDelayError}");
            }
            else if (maxDelay < firstDelay)
            {
                problems.Add("--retry-max-delay must not be shorter than --retry-delay");
            }

            if (problems.Count > 0)
            {
                problems.ForEach(errors.WriteLine);
                return CandlesCommandLine.BadInput;
            }

            var instrument = new Instrument(id, tick, step);
            using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Add("X-Api-Key", parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("Candles__Ingest__ApiKey") ?? string.Empty);
            var retry = new ReplayRetryOptions(parse.GetValue(retries), firstDelay, maxDelay);
            var terminal = ReferenceEquals(errors, Console.Error) && !Console.IsErrorRedirected;
            var client = new ReplayClient(http, new ReplayProgress(errors, terminal), retry, TimeProvider.System);
            try
            {
                if (await client.DefineAsync(instrument, cancellation) is { } refused)
                {
                    await errors.WriteLineAsync(refused);
                    return CandlesCommandLine.BadInput;
                }

                using var reader = BinanceTradeCsvReader.Open(path, instrument);
                var (totals, error) = await client.SendAsync(reader, instrument, parse.GetValue(batch), parse.GetValue(rate), EstimateLines(path), cancellation);
                if (totals is null)
                {
                    await errors.WriteLineAsync($"{path}: {error}");
                    return error!.StartsWith("line ", StringComparison.Ordinal) ? CandlesCommandLine.BadInput : 1;
                }

                await output.WriteLineAsync(
                    $"{totals.Sent} ticks sent: {totals.Applied} accepted, {totals.Amended} amended late, {totals.Duplicates} duplicates, " +
                    $"{totals.TooOld} rejected as too old, in {totals.Elapsed.TotalSeconds:F1} s ({totals.Sent / Math.Max(totals.Elapsed.TotalSeconds, 1e-3):N0} ticks/s), " +
                    (totals.Retries == 1 ? "1 retry" : $"{totals.Retries} retries"));
                return 0;
            }
            catch (Exception failure) when (failure is HttpRequestException || (failure is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                await errors.WriteLineAsync($"cannot reach {baseUri}: {failure.Message} ({ReplayRetry.GaveUp(retry)})");
                return 1;
            }
        });

        return command;
    }

    /// <summary>A rough line count for the progress bar: about 70 bytes a line, 3.5 times compressed.</summary>
    private static long EstimateLines(string path)
    {
        var bytes = new FileInfo(path).Length;
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? bytes * 7 / 2 / 70 : bytes / 70;
    }
}
