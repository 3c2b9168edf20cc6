namespace Candles.Testing.FakeVenues;

/// <summary>A trade a fake venue publishes: <paramref name="TakerBuys"/> is the aggressor's side.</summary>
public sealed record FakeTrade(string Symbol, long Id, long TimeUs, string Price, string Quantity, bool TakerBuys)
{
    /// <summary>The golden tape's trades (Binance's CSV: id, price, qty, quote qty, time µs, is buyer maker, best match) as <paramref name="symbol"/>.</summary>
    public static List<FakeTrade> FromBinanceCsv(string path, string symbol)
    {
        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        List<FakeTrade> trades = [];
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            if (!long.TryParse(f[0], System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            trades.Add(new FakeTrade(symbol, id, long.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), f[1], f[2], f[5] is "False" or "false"));
        }

        return trades;
    }
}
