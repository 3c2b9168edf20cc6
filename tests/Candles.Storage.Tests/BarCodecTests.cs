using Candles.Storage.Encoding;

namespace Candles.Storage.Tests;

public class BarCodecTests
{
    [Fact]
    public void EncodedBarsDecodeToEqualBars()
    {
        var bar = MinuteBarStoreContract.MinuteBar(1_772_150_400_000, 6_500_000, revision: 3);
        var decoded = BarCodec.Decode(BarCodec.Encode(bar));
        Assert.Equal(bar.Candle, decoded.Candle);
        Assert.Equal(bar.Footprint.Levels.ToArray(), decoded.Footprint.Levels.ToArray());
    }

    [Fact]
    public void TruncatedOrForeignBytesAreRefusedNotMisread()
    {
        var bytes = BarCodec.Encode(MinuteBarStoreContract.MinuteBar(1_772_150_400_000, 100));
        Assert.Throws<FormatException>(() => BarCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        bytes[0] = 99;
        Assert.Throws<FormatException>(() => BarCodec.Decode(bytes));
    }
}
