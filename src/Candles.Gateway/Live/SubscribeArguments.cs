namespace Candles.Gateway.Live;

/// <summary>What a client asks to follow, on any transport: a timeframe, its history length, candles or footprints.</summary>
public sealed record SubscribeArguments(string? Instrument, string? Timeframe, string? Zone, int? History, bool Footprint, string? Step);
