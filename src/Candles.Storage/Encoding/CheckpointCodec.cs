using System.Buffers.Binary;
using Candles.Core.Building;

namespace Candles.Storage.Encoding;

/// <summary>
/// A builder checkpoint as bytes: version, watermark, trade id ranges, the newest bar trimmed, then the live bar if any.
/// Version 1, stored before the newest bar trimmed was, is still read (without it).
/// </summary>
public static class CheckpointCodec
{
    private const byte Version = 2;

    public static byte[] Encode(BuilderCheckpoint checkpoint)
    {
        var live = checkpoint.Live is null ? [] : BarCodec.Encode(checkpoint.Live);
        var bytes = new byte[1 + 8 + 4 + (checkpoint.AppliedIds.Count * 16) + 9 + 1 + live.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), checkpoint.WatermarkUs);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(9), checkpoint.AppliedIds.Count);
        var at = 13;
        foreach (var (low, high) in checkpoint.AppliedIds)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), low);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 8), high);
            at += 16;
        }

        bytes[at] = checkpoint.TrimmedThroughMs is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 1), checkpoint.TrimmedThroughMs ?? 0);
        at += 9;
        bytes[at] = checkpoint.Live is null ? (byte)0 : (byte)1;
        live.CopyTo(bytes.AsSpan(at + 1));
        return bytes;
    }

    public static BuilderCheckpoint Decode(ReadOnlySpan<byte> bytes)
    {
        var version = bytes.Length > 0 ? bytes[0] : (byte)0;
        var trimmedLength = version == Version ? 9 : 0;
        if (bytes.Length < 14 + trimmedLength || version is not (1 or Version))
        {
            throw new FormatException($"not a version-1 or version-{Version} checkpoint ({bytes.Length} bytes)");
        }

        var watermark = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[9..]);
        var at = 13;
        if (count < 0 || bytes.Length < at + ((long)count * 16) + trimmedLength + 1)
        {
            throw new FormatException($"checkpoint claims {count} id ranges in {bytes.Length} bytes");
        }

        var ranges = new (long, long)[count];
        for (var i = 0; i < count; i++, at += 16)
        {
            ranges[i] = (BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]));
        }

        long? trimmedThroughMs = null;
        if (trimmedLength > 0)
        {
            trimmedThroughMs = bytes[at] == 1 ? BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 1)..]) : null;
            at += trimmedLength;
        }

        var live = bytes[at] == 1 ? BarCodec.Decode(bytes[(at + 1)..]) : null;
        return new BuilderCheckpoint(watermark, ranges, live, trimmedThroughMs);
    }
}
