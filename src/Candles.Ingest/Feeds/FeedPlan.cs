namespace Candles.Ingest.Feeds;

/// <summary>
/// One connector of the cluster: a venue, the symbols of one connection (shard), and which replica (A, B) it is.
/// Its key, <c>venue/shard/replica</c>, names the grain that runs it.
/// </summary>
public sealed record FeedShard(string Venue, int Shard, int Replica, IReadOnlyList<string> Symbols)
{
    public string Key => $"{Venue.ToLowerInvariant()}/{Shard}/{(char)('A' + Replica)}";
}

/// <summary>Which connectors the configured feeds take: instruments sharded by the venue's streams-per-connection limit, times the redundancy.</summary>
public static class FeedPlan
{
    public static IReadOnlyList<FeedShard> Of(FeedOptions options)
    {
        List<FeedShard> shards = [];
        foreach (var (venue, venueOptions) in options.Configured)
        {
            var perConnection = venueOptions.MaxStreamsPerConnection > 0 ? venueOptions.MaxStreamsPerConnection : venue.MaxStreamsPerConnection;
            var symbols = venueOptions.Symbols.Select(s => venue.NormalizeSymbol(s)!).Distinct(StringComparer.Ordinal).ToList();
            var chunks = symbols.Chunk(perConnection).ToList();
            for (var shard = 0; shard < chunks.Count; shard++)
            {
                for (var replica = 0; replica < options.Redundancy; replica++)
                {
                    shards.Add(new FeedShard(venue.Name, shard, replica, chunks[shard]));
                }
            }
        }

        return shards;
    }

    /// <summary>What is wrong with the feed settings, in words naming the setting; empty when nothing is.</summary>
    public static IReadOnlyList<string> Problems(FeedOptions options, IEnumerable<string> sectionKeys)
    {
        List<string> problems = [];
        string[] settings = [nameof(FeedOptions.Redundancy), nameof(FeedOptions.CheckPeriod)];
        foreach (var key in sectionKeys)
        {
            if (Venues.Find(key) is null && !settings.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{FeedOptions.Section}:{key}: unknown venue '{key}'; known: {Venues.Names}");
            }
        }

        if (options.Redundancy is < 1 or > 2)
        {
            problems.Add($"{FeedOptions.Section}:Redundancy must be 1 or 2, not {options.Redundancy}");
        }

        if (options.CheckPeriod <= TimeSpan.Zero)
        {
            problems.Add($"{FeedOptions.Section}:CheckPeriod must be positive");
        }

        foreach (var venue in Venues.All)
        {
            var venueOptions = options.For(venue);
            var section = $"{FeedOptions.Section}:{venue.Name}";
            foreach (var symbol in venueOptions.Symbols.Where(s => venue.NormalizeSymbol(s) is null))
            {
                problems.Add($"{section}:Instruments: '{symbol}' is not a {venue.Name} symbol");
            }

            if (venue.Name == "Binance" && venueOptions.Stream is not ("trade" or "aggTrade"))
            {
                problems.Add($"{section}:Stream must be trade or aggTrade, not '{venueOptions.Stream}'");
            }

            // OKX's "trades" channel sends an order's fills as one trade under its last fill's id, so the ids between look
            // missing and the backfill adds their volume a second time: only "trades-all" (trade) has every fill once.
            if (venue.Name == "Okx" && venueOptions.Stream is not ("trade" or "trades-all"))
            {
                problems.Add($"{section}:Stream must be trade or trades-all (every fill once), not '{venueOptions.Stream}'");
            }

            foreach (var (name, url, scheme) in new[] { ("WebSocketUrl", venueOptions.WebSocketUrl, "ws"), ("RestUrl", venueOptions.RestUrl, "http") })
            {
                if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == scheme || uri.Scheme == scheme + "s")))
                {
                    problems.Add($"{section}:{name}: '{url}' is not a {scheme}:// or {scheme}s:// address");
                }
            }

            if (venueOptions.BackfillRetryFor < TimeSpan.Zero || venueOptions.GapWait < TimeSpan.Zero)
            {
                problems.Add($"{section}: GapWait and BackfillRetryFor must not be negative");
            }

            if (venueOptions.BatchSize < 1 || venueOptions.MaxBackfillTrades < 0 || venueOptions.MaxStreamsPerConnection < 0 || venueOptions.RestRequestsPerSecond < 0 || venueOptions.RestBurst < 0)
            {
                problems.Add($"{section}: BatchSize must be positive, MaxBackfillTrades, MaxStreamsPerConnection, RestRequestsPerSecond and RestBurst not negative");
            }

            if (venueOptions.MaxQueuedTicks < venueOptions.BatchSize)
            {
                problems.Add($"{section}: MaxQueuedTicks ({venueOptions.MaxQueuedTicks}) must be at least BatchSize ({venueOptions.BatchSize})");
            }
        }

        return problems;
    }
}
