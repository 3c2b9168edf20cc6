using System.Buffers.Binary;
using Candles.Core.Building;
using Candles.Storage.Encoding;

namespace Candles.Storage.Tests;

public class CheckpointCodecTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData(long.MinValue, false)]
    [InlineData(1_772_150_340_000L, true)]
    public void EncodedCheckpointsDecodeToEqualCheckpoints(long? trimmedThroughMs, bool withLive)
    {
        var live = withLive ? MinuteBarStoreContract.MinuteBar(1_772_150_400_000, 100) : null;
        var checkpoint = new BuilderCheckpoint(1_772_150_400_123_000, [(1, 10), (12, 20)], live, trimmedThroughMs);
        var decoded = CheckpointCodec.Decode(CheckpointCodec.Encode(checkpoint));
        Assert.Equal((checkpoint.WatermarkUs, checkpoint.TrimmedThroughMs, checkpoint.Live?.Candle), (decoded.WatermarkUs, decoded.TrimmedThroughMs, decoded.Live?.Candle));
        Assert.Equal(checkpoint.AppliedIds, decoded.AppliedIds);
    }

    [Fact]
    public void ACheckpointStoredBeforeTheTrimmedBarWasIsReadWithoutIt()
    {
        // Version 1: watermark, one id range, no live bar, and nothing on what the retention had dropped.
        var bytes = new byte[1 + 8 + 4 + 16 + 1];
        bytes[0] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), 7);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(9), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(13), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(21), 9);
        var decoded = CheckpointCodec.Decode(bytes);
        Assert.Equal(7L, decoded.WatermarkUs);
        Assert.Null(decoded.TrimmedThroughMs);
        Assert.Null(decoded.Live);
        Assert.Equal([(1L, 9L)], decoded.AppliedIds);
    }

    [Fact]
    public void TruncatedOrForeignBytesAreRefusedNotMisread()
    {
        var bytes = CheckpointCodec.Encode(new BuilderCheckpoint(7, [(1, 9)], null, 5));
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode([]));
        bytes[0] = 99;
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode(bytes));
    }
}
