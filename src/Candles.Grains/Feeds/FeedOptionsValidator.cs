using Candles.Ingest.Feeds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds;

/// <summary>Refuses feed settings that cannot work, naming the setting: an unknown venue, a symbol the venue cannot have, a bad URL.</summary>
internal sealed class FeedOptionsValidator(IConfiguration configuration) : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        var keys = configuration.GetSection(FeedOptions.Section).GetChildren().Select(c => c.Key);
        var problems = FeedPlan.Problems(options, keys);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
