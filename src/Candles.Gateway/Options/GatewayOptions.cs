namespace Candles.Gateway.Options;

/// <summary>Gateway settings: section <c>Candles:Gateway</c>; the ingest key is <c>Candles:Ingest:ApiKey</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Candles:Gateway";

    /// <summary>Bars returned when a request names no limit.</summary>
    public int DefaultLimit { get; set; } = 500;

    /// <summary>The most bars one request may ask for.</summary>
    public int MaxLimit { get; set; } = 5000;

    /// <summary>The most ticks one ingest request may carry.</summary>
    public int MaxIngestTicks { get; set; } = 100_000;

    /// <summary>Key that <c>X-Api-Key</c> must match on ingest and instrument definition; unset means those are refused.</summary>
    public string? IngestApiKey { get; set; }
}
