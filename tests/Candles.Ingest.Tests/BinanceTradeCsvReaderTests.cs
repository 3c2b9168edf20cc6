using System.IO.Compression;
using System.Text;
using Candles.Core.Instruments;
using Candles.Core.Ticks;
using Candles.Ingest.Replay;

namespace Candles.Ingest.Tests;

public class BinanceTradeCsvReaderTests
{
    private static readonly Instrument Btc = new(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));

    private static (List<Tick> Ticks, TradeFileError? Error) Read(string text, bool gzip = false, Instrument? instrument = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var stream = new MemoryStream();
        if (gzip)
        {
            using (var zip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            stream.Position = 0;
        }
        else
        {
            stream.Write(bytes);
            stream.Position = 0;
        }

        using var reader = new BinanceTradeCsvReader(stream, instrument ?? Btc);
        var ticks = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            ticks.Add(tick);
        }

        return (ticks, reader.Error);
    }

    [Fact]
    public void ReadsSpotLinesWithMicrosecondTimesAndBuyerMakerAsSell()
    {
        var (ticks, error) = Read("860281854,65000.00,0.01978,1285.7000000,1772150400975177,False,True\n860281855,65000.01,0.01868,1214.2001868,1772150401945604,True,True\n");
        Assert.Null(error);
        Assert.Equal(
            [new Tick(860281854, 1772150400975177, 6500000, 1978, AggressorSide.Buy), new Tick(860281855, 1772150401945604, 6500001, 1868, AggressorSide.Sell)],
            ticks);
    }

    [Fact]
    public void MillisecondTimesAreToldApartByMagnitude()
    {
        var (ticks, error) = Read("1,65000.00,0.01000,650.0,1772150400975,false,true\n");
        Assert.Null(error);
        Assert.Equal(1772150400975000, Assert.Single(ticks).TimeUs);
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        var (ticks, error) = Read("1,65000.00,0.01000,650.0,1772150400975,False,True\n2,65000.00,0.01000,650.0,1772150400976,False,True", gzip: true);
        Assert.Null(error);
        Assert.Equal(2, ticks.Count);
    }

    [Fact]
    public void FuturesLinesWithSixColumnsAHeaderAndCrLfAreRead()
    {
        var (ticks, error) = Read("id,price,qty,quote_qty,time,is_buyer_maker\r\n7,65000.00,0.01000,650.0,1772150400975,true\r\n");
        Assert.Null(error);
        Assert.Equal(AggressorSide.Sell, Assert.Single(ticks).Side);
    }

    [Theory]
    [InlineData("1,65000.00,0.01000,650.0,1772150400975,False", 0, null)]
    [InlineData("1,65000.00,0.01000,650.0,1772150400975", 2, "expected 6 or 7 comma-separated columns")]
    [InlineData("1,65000.00,0.01000,650.0,1772150400975,False,True,extra", 2, "found 8")]
    [InlineData("1,abc,0.01000,650.0,1772150400975,False,True", 2, "price 'abc' is not a number")]
    [InlineData("1,-65000.00,0.01000,650.0,1772150400975,False,True", 2, "price '-65000.00' is negative")]
    [InlineData("1,0.00,0.01000,650.0,1772150400975,False,True", 2, "price '0.00' must be positive")]
    [InlineData("1,65000.005,0.01000,650.0,1772150400975,False,True", 2, "price '65000.005' is not a whole multiple of 0.01")]
    [InlineData("1,65000.00,0.010001,650.0,1772150400975,False,True", 2, "quantity '0.010001' is not a whole multiple of 0.00001")]
    [InlineData("1,65000.00,0,650.0,1772150400975,False,True", 2, "quantity '0' must be positive")]
    [InlineData("1,100000000000.00,100000000000.00000,1.0,1772150400975,False,True", 2, "price × quantity is beyond what a bar can sum")]
    [InlineData("x,65000.00,0.01000,650.0,1772150400975,False,True", 2, "trade id 'x'")]
    [InlineData("1,65000.00,0.01000,six,1772150400975,False,True", 2, "quote quantity 'six'")]
    [InlineData("1,65000.00,0.01000,650.0,17721504009.5,False,True", 2, "time '17721504009.5'")]
    [InlineData("1,65000.00,0.01000,650.0,1772150400975,maybe,True", 2, "is_buyer_maker 'maybe'")]
    [InlineData("", 2, "expected 6 or 7")]
    public void BadLineStopsTheReadWithItsNumberAndReason(string badLine, int expectedLine, string? reason)
    {
        var good = "1,65000.00,0.01000,650.0,1772150400975,False,True\n2,65000.00,0.01000,650.0,1772150400975,False,True\n";
        var (ticks, error) = Read(good.Replace("1,65000.00,0.01000,650.0,1772150400975,False,True\n", string.Empty, StringComparison.Ordinal) + badLine + "\n" + good);
        if (reason is null)
        {
            Assert.Null(error);
            return;
        }

        Assert.NotNull(error);
        Assert.Equal(expectedLine, error.Line);
        Assert.Contains(reason, error.Reason);
        Assert.Single(ticks);
    }

    [Fact]
    public void EmptyLineInTheMiddleIsAnErrorNotSkipped()
    {
        var (_, error) = Read("1,65000.00,0.01000,650.0,1772150400975,False,True\n\n2,65000.00,0.01000,650.0,1772150400975,False,True\n");
        Assert.Equal(2, error?.Line);
    }

    [Fact]
    public void PepeQuantitiesOfTenBillionFitTheStep()
    {
        var pepe = new Instrument(InstrumentId.Parse("BINANCE:PEPEUSDT"), Increment.Parse("0.00000001"), Increment.Parse("1"));
        var (ticks, error) = Read("5,0.00001234,10000000000,123400.0,1772150400975,False,True\n", instrument: pepe);
        Assert.Null(error);
        Assert.Equal((1234L, 10_000_000_000L), (ticks[0].Price, ticks[0].Quantity));
    }

    [Fact]
    public void LinesLongerThanTheBufferAreRefused()
    {
        var (_, error) = Read("1,65000.00,0.01000,650.0,1772150400975,False," + new string('x', 5000) + "\n");
        Assert.Equal(1, error?.Line);
        Assert.Contains("longer than", error?.Reason);
    }

    [Fact]
    public void AGzipOfOneEndlessLineIsRefusedWithoutInflatingItAll()
    {
        // 64 MB of one line without a newline: about 64 KB gzipped, as a hostile ingest body can be.
        var compressed = new MemoryStream();
        using (var zip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var chunk = new byte[1 << 20];
            chunk.AsSpan().Fill((byte)'1');
            for (var i = 0; i < 64; i++)
            {
                zip.Write(chunk);
            }
        }

        compressed.Position = 0;
        using var reader = new BinanceTradeCsvReader(compressed, Btc);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(1, reader.Error?.Line);
        Assert.Contains("longer than 4096 bytes", reader.Error?.Reason);
        Assert.True(compressed.Position < compressed.Length / 2, $"read {compressed.Position} of {compressed.Length} compressed bytes to refuse one line");
    }
}

public class BinanceTradeCsvReaderVariantTests
{
    private static readonly Instrument Btc = new(InstrumentId.Parse("BINANCE:BTCUSDT"), Increment.Parse("0.01"), Increment.Parse("0.00001"));

    [Fact]
    public void UnusualButValidLinesAmongOrdinaryOnesReadTheSame()
    {
        // Variants a venue or an older export may write, between ordinary lines.
        string[] lines =
        [
            "1,65000.00,0.01000,650.0,1772150400975000,False,True",
            "2,65000.010,0.01,650.1,1772150400976000,true,false",
            "3,65000.02,0.01000,650.2,1772150400977,False",
            "4,65000.03,0.01000,650.3,1772150400978000,True,True\r",
            "5,65000,1,65000,1772150400979000,False,True",
            "6,65000.05,0.01000,650.5,1772150400980000,True,True",
        ];
        var bytes = System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        using var reader = new BinanceTradeCsvReader(new MemoryStream(bytes), Btc);
        var ticks = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            ticks.Add(tick);
        }

        Assert.Null(reader.Error);
        Assert.Equal(
            [
                new Tick(1, 1772150400975000, 6500000, 1000, AggressorSide.Buy),
                new Tick(2, 1772150400976000, 6500001, 1000, AggressorSide.Sell),
                new Tick(3, 1772150400977000, 6500002, 1000, AggressorSide.Buy),
                new Tick(4, 1772150400978000, 6500003, 1000, AggressorSide.Sell),
                new Tick(5, 1772150400979000, 6500000, 100000, AggressorSide.Buy),
                new Tick(6, 1772150400980000, 6500005, 1000, AggressorSide.Sell),
            ],
            ticks);
        Assert.Equal(6, reader.LineNumber);
    }
}

public class BinanceTradeCsvWriterTests
{
    [Fact]
    public void WrittenLinesReadBackToTheSameTicks()
    {
        var pepe = new Instrument(InstrumentId.Parse("BINANCE:PEPEUSDT"), Increment.Parse("0.00000001"), Increment.Parse("1"));
        Tick[] ticks = [new(1, 1772150400975177, 1234, 10_000_000_000, AggressorSide.Sell), new(2, 1772150400975178, 1, 1, AggressorSide.Buy)];
        var writer = new BinanceTradeCsvWriter(pepe);
        foreach (var tick in ticks)
        {
            writer.Append(tick);
        }

        using var reader = new BinanceTradeCsvReader(new MemoryStream(writer.TakeBytes()), pepe);
        var read = new List<Tick>();
        while (reader.TryRead(out var tick))
        {
            read.Add(tick);
        }

        Assert.Null(reader.Error);
        Assert.Equal(ticks, read);
        Assert.Equal(0, writer.Count);
    }
}
