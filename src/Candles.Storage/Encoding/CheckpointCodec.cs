using System.Buffers.Binary;
using Candles.Core.Building;

namespace Candles.Storage.Encoding;

/// <summary>
/// A builder checkpoint as bytes: version, watermark, trade id ranges, then the live bar if any. What later versions
/// added (the newest bar trimmed, the days kept) goes apart, as extras (<see cref="EncodeExtras"/>), so a silo of an
/// earlier version still reads the checkpoint during a rolling update or after a rollback.
/// </summary>
public static class CheckpointCodec
{
    private const byte Version = 1;

    public static byte[] Encode(BuilderCheckpoint checkpoint)
    {
        var live = checkpoint.Live is null ? [] : BarCodec.Encode(checkpoint.Live);
        var bytes = new byte[1 + 8 + 4 + (checkpoint.AppliedIds.Count * 16) + 1 + live.Length];
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

        bytes[at] = checkpoint.Live is null ? (byte)0 : (byte)1;
        live.CopyTo(bytes.AsSpan(at + 1));
        return bytes;
    }

    public static BuilderCheckpoint Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 14 || bytes[0] != Version)
        {
            throw new FormatException($"not a version-{Version} checkpoint ({bytes.Length} bytes)");
        }

        var watermark = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[9..]);
        var at = 13;
        if (count < 0 || bytes.Length < at + ((long)count * 16) + 1)
        {
            throw new FormatException($"checkpoint claims {count} id ranges in {bytes.Length} bytes");
        }

        var ranges = new (long, long)[count];
        for (var i = 0; i < count; i++, at += 16)
        {
            ranges[i] = (BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]));
        }

        var live = bytes[at] == 1 ? BarCodec.Decode(bytes[(at + 1)..]) : null;
        return new BuilderCheckpoint(watermark, ranges, live);
    }

    private const byte ExtrasVersion = 1;

    /// <summary>The checkpoint's extras as bytes: version, the newest bar trimmed (a flag, then the value), then the days kept.</summary>
    public static byte[] EncodeExtras(BuilderCheckpoint checkpoint)
    {
        var kept = checkpoint.KeptDays ?? [];
        var bytes = new byte[1 + 9 + 4 + (kept.Count * 16)];
        bytes[0] = ExtrasVersion;
        bytes[1] = checkpoint.TrimmedThroughMs is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), checkpoint.TrimmedThroughMs ?? 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), kept.Count);
        var at = 14;
        foreach (var (day, untilMs) in kept)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), day);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 8), untilMs);
            at += 16;
        }

        return bytes;
    }

    /// <summary>The checkpoint with its extras read from <paramref name="bytes"/>.</summary>
    public static BuilderCheckpoint WithExtras(BuilderCheckpoint checkpoint, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 14 || bytes[0] != ExtrasVersion || bytes[1] > 1)
        {
            throw new FormatException($"not version-{ExtrasVersion} checkpoint extras ({bytes.Length} bytes)");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[10..]);
        if (count < 0 || bytes.Length != 14 + ((long)count * 16))
        {
            throw new FormatException($"checkpoint extras claim {count} kept days in {bytes.Length} bytes");
        }

        var kept = new (long, long)[count];
        for (var i = 0; i < count; i++)
        {
            var at = 14 + (i * 16);
            kept[i] = (BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]));
        }

        return checkpoint with { TrimmedThroughMs = bytes[1] == 1 ? BinaryPrimitives.ReadInt64LittleEndian(bytes[2..]) : null, KeptDays = kept };
    }
}
