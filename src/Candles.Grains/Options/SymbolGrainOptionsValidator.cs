using Microsoft.Extensions.Options;

namespace Candles.Grains.Options;

/// <summary>Refuses settings that would lose or delay bars, naming the setting.</summary>
public sealed class SymbolGrainOptionsValidator : IValidateOptions<SymbolGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, SymbolGrainOptions options)
    {
        List<string> failures = [];
        if (options.Grace < TimeSpan.Zero || options.Grace > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{SymbolGrainOptions.Section}:Grace must be between 0 and 5 minutes, not {options.Grace}");
        }

        if (options.ScanPeriod < TimeSpan.FromMilliseconds(10) || options.ScanPeriod > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{SymbolGrainOptions.Section}:ScanPeriod must be between 10 ms and 30 s, not {options.ScanPeriod}");
        }

        if (options.UpdatePeriod < TimeSpan.FromMilliseconds(10) || options.UpdatePeriod > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{SymbolGrainOptions.Section}:UpdatePeriod must be between 10 ms and 10 s, not {options.UpdatePeriod}");
        }

        if (options.Retention < TimeSpan.FromHours(1))
        {
            failures.Add($"{SymbolGrainOptions.Section}:Retention must be at least 1 hour, not {options.Retention}");
        }

        if (options.MaxFutureSkew < TimeSpan.Zero || options.MaxFutureSkew > TimeSpan.FromDays(3650))
        {
            failures.Add($"Candles:Ingest:MaxFutureSkew must be between 0 and 3650 days, not {options.MaxFutureSkew}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
