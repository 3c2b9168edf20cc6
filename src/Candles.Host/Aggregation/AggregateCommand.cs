using System.CommandLine;
using Candles.Core.Instruments;
using Candles.Core.Timeframes;
using Candles.Host.Cli;

namespace Candles.Host.Aggregation;

/// <summary>
/// <c>aggregate --file trades.csv[.gz] --tick-size 0.01 --qty-step 0.00001 --tf 15m[,1h,...] [--tz ZONE]
/// [--footprint --step 10.00 | --profile] --out PATH</c>
/// </summary>
public static class AggregateCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file") { Description = "Binance trades CSV, plain or gzip", Required = true };
        var tickSize = new Option<string>("--tick-size") { Description = "price increment, e.g. 0.01", Required = true };
        var quantityStep = new Option<string>("--qty-step") { Description = "quantity increment, e.g. 0.00001", Required = true };
        var timeframes = new Option<string>("--tf") { Description = "timeframe or comma-separated list: 1m,5m,7m,1h,1d,1w,1M", Required = true };
        var zone = new Option<string>("--tz") { Description = "IANA time zone of 1d/1w/1M bars", DefaultValueFactory = _ => "UTC" };
        var footprint = new Option<bool>("--footprint") { Description = "write footprints (volume per price level) instead of candles" };
        var profile = new Option<bool>("--profile") { Description = "write POC, value area, delta and volume per bar instead of candles" };
        var step = new Option<string?>("--step") { Description = "price step of footprint levels, a multiple of the tick size (default: the tick)" };
        var valueArea = new Option<int>("--value-area") { Description = "value area share in percent", DefaultValueFactory = _ => 70 };
        var output = new Option<string>("--out") { Description = "output file; a folder when --tf lists several timeframes", Required = true };
        var command = new Command("aggregate", "Aggregate a trades file into bars of one or more timeframes, written as CSV.")
        {
            file, tickSize, quantityStep, timeframes, zone, footprint, profile, step, valueArea, output,
        };

        command.SetAction(parse =>
        {
            var errors = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var tick = ParseIncrement(parse.GetRequiredValue(tickSize), "--tick-size", problems);
            var qty = ParseIncrement(parse.GetRequiredValue(quantityStep), "--qty-step", problems);
            var frames = ParseTimeframes(parse.GetRequiredValue(timeframes), problems);
            if (!TimeZones.TryFind(parse.GetValue(zone), out var tz, out var zoneError))
            {
                problems.Add($"--tz: {zoneError}");
            }

            var wantsFootprint = parse.GetValue(footprint);
            var wantsProfile = parse.GetValue(profile);
            var stepText = parse.GetValue(step);
            if (wantsFootprint && wantsProfile)
            {
                problems.Add("--footprint and --profile cannot be used together");
            }

            if (stepText is not null && !wantsFootprint && !wantsProfile)
            {
                problems.Add("--step needs --footprint or --profile");
            }

            var percent = parse.GetValue(valueArea);
            if (percent is < 1 or > 100)
            {
                problems.Add($"--value-area: {percent} is not a percentage from 1 to 100");
            }

            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                problems.Add($"--file: '{path}' does not exist");
            }

            var instrument = tick is { } t && qty is { } q ? new Instrument(InstrumentId.Parse("FILE:TRADES"), t, q) : null;
            long stepTicks = 1;
            if (instrument is not null && stepText is not null && !instrument.TryParsePriceStep(stepText, out stepTicks, out var stepError))
            {
                problems.Add($"--step: {stepError}");
            }

            if (problems.Count > 0 || instrument is null || tz is null)
            {
                foreach (var problem in problems)
                {
                    errors.WriteLine(problem);
                }

                return CandlesCommandLine.BadInput;
            }

            var kind = wantsFootprint ? AggregateOutput.Footprint : wantsProfile ? AggregateOutput.Profile : AggregateOutput.Candles;
            var label = stepText is null ? "tick" : instrument.FormatPrice(stepTicks);
            var request = new AggregateRequest(path, instrument, frames, tz, kind, stepTicks, label, percent, parse.GetRequiredValue(output));
            return OfflineAggregation.Run(request, parse.InvocationConfiguration.Output, errors);
        });

        return command;
    }

    private static Increment? ParseIncrement(string text, string option, List<string> problems)
    {
        if (Increment.TryParse(text, out var increment, out var error))
        {
            return increment;
        }

        problems.Add($"{option}: {error}");
        return null;
    }

    private static List<Timeframe> ParseTimeframes(string text, List<string> problems)
    {
        var frames = new List<Timeframe>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Timeframe.TryParse(name, out var timeframe, out var error))
            {
                problems.Add($"--tf: {error}");
            }
            else if (frames.Contains(timeframe))
            {
                problems.Add($"--tf: {timeframe} is listed twice");
            }
            else
            {
                frames.Add(timeframe);
            }
        }

        return frames;
    }
}
