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
    public void EncodedCheckpointsAndTheirExtrasDecodeToEqualCheckpoints(long? trimmedThroughMs, bool withLive)
    {
        var live = withLive ? MinuteBarStoreContract.MinuteBar(1_772_150_400_000, 100) : null;
        (long, long)[] kept = withLive ? [(1_772_150_400_000, 1_772_150_640_000), (1_772_236_800_000, 1_772_150_700_000)] : [];
        var checkpoint = new BuilderCheckpoint(1_772_150_400_123_000, [(1, 10), (12, 20)], live, trimmedThroughMs, kept);
        var decoded = CheckpointCodec.WithExtras(CheckpointCodec.Decode(CheckpointCodec.Encode(checkpoint)), CheckpointCodec.EncodeExtras(checkpoint));
        Assert.Equal((checkpoint.WatermarkUs, checkpoint.TrimmedThroughMs, checkpoint.Live?.Candle), (decoded.WatermarkUs, decoded.TrimmedThroughMs, decoded.Live?.Candle));
        Assert.Equal(checkpoint.AppliedIds, decoded.AppliedIds);
        Assert.Equal(kept, decoded.KeptDays!);
    }

    [Fact]
    public void TheCheckpointWithoutItsExtrasIsReadAsBeforeAndKnowsNothingOfThem()
    {
        // What an earlier version wrote, by hand: version 1, watermark, one id range, no live bar.
        var bytes = new byte[1 + 8 + 4 + 16 + 1];
        bytes[0] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), 7);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(9), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(13), 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(21), 9);
        var decoded = CheckpointCodec.Decode(bytes);
        Assert.Equal(7L, decoded.WatermarkUs);
        Assert.Equal([(1L, 9L)], decoded.AppliedIds);
        Assert.Null(decoded.Live);
        Assert.Null(decoded.TrimmedThroughMs);
        Assert.Null(decoded.KeptDays);
        Assert.Equal(bytes, CheckpointCodec.Encode(new BuilderCheckpoint(7, [(1, 9)], null, 5, [(1, 2)])));
    }

    [Fact]
    public void ATruncatedOrForeignCheckpointIsRefusedNotMisread()
    {
        var bytes = CheckpointCodec.Encode(new BuilderCheckpoint(7, [(1, 9)], null));
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(9), int.MaxValue);
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode(bytes));
        bytes[0] = 2;
        Assert.Throws<FormatException>(() => CheckpointCodec.Decode(bytes));
    }

    [Fact]
    public void TruncatedOrForeignExtrasAreRefusedNotMisread()
    {
        var checkpoint = new BuilderCheckpoint(7, [(1, 9)], null, 5, [(1, 2)]);
        var bytes = CheckpointCodec.EncodeExtras(checkpoint);
        Assert.Throws<FormatException>(() => CheckpointCodec.WithExtras(checkpoint, bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => CheckpointCodec.WithExtras(checkpoint, []));
        bytes[1] = 2;
        Assert.Throws<FormatException>(() => CheckpointCodec.WithExtras(checkpoint, bytes));
        bytes[1] = 1;
        bytes[0] = 99;
        Assert.Throws<FormatException>(() => CheckpointCodec.WithExtras(checkpoint, bytes));
    }
}
