using System.Buffers.Text;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Candles.Core.Bars;
using Candles.Core.Instruments;
using Candles.Core.Ticks;

namespace Candles.Ingest.Replay;

/// <summary>
/// Reads Binance's trades CSV, plain or gzip (told apart by the gzip magic bytes):
/// <c>trade_id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]</c>, no header (one is tolerated on the
/// first line). Time is Unix milliseconds or microseconds, told apart by magnitude; <c>is_buyer_maker = True</c>
/// is a taker sell. Any malformed line stops the read with its line number and reason: nothing is skipped.
/// </summary>
public sealed class BinanceTradeCsvReader : IDisposable
{
    /// <summary>Times below this are milliseconds (before year 5138), at or above it microseconds (after 1973).</summary>
    private const long MicrosecondThreshold = 100_000_000_000_000;
    private const int MaxLineLength = 4096;

    private readonly Stream _source;
    private readonly Stream _stream;
    private readonly Task? _decompression;
    private readonly Instrument _instrument;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _endOfStream;

    public BinanceTradeCsvReader(Stream stream, Instrument instrument)
    {
        _instrument = instrument;
        _source = stream;
        if (!IsGzip(stream))
        {
            _stream = stream;
            return;
        }

        // Inflate on another core while this one parses. The pipe holds at most 2 MB: the parser keeps up with the
        // inflater, and a small pipe reuses its segments instead of touching fresh memory (page faults cost here).
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 2 << 20, resumeWriterThreshold: 1 << 20, minimumSegmentSize: 1 << 18, useSynchronizationContext: false));
        _decompression = Task.Run(async () =>
        {
            try
            {
                await using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
                await gzip.CopyToAsync(pipe.Writer).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception error)
            {
                await pipe.Writer.CompleteAsync(error).ConfigureAwait(false);
            }
        });
        _stream = pipe.Reader.AsStream();
    }

    /// <summary>The number of the last line read (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Set when <see cref="TryRead"/> returned false because of a bad line rather than the end of the file.</summary>
    public TradeFileError? Error { get; private set; }

    /// <summary>Opens a file, plain or gzip.</summary>
    public static BinanceTradeCsvReader Open(string path, Instrument instrument) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), instrument);

    /// <summary>Reads the next trade; false at the end of the file or at a bad line (then <see cref="Error"/> says why).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out Tick tick)
    {
        tick = default;
        while (Error is null)
        {
            if (!TryNextLine(out var line))
            {
                return false;
            }

            LineNumber++;
            if (LineNumber == 1 && IsHeader(line))
            {
                continue;
            }

            var reason = TryParse(line, out tick);
            if (reason is null)
            {
                return true;
            }

            Error = new TradeFileError(LineNumber, reason);
        }

        return false;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _decompression?.Wait();
        _source.Dispose();
    }

    private static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek)
        {
            return false;
        }

        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Seek(-read, SeekOrigin.Current);
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static bool IsHeader(ReadOnlySpan<byte> line) =>
        line.StartsWith("id,"u8) || line.StartsWith("trade_id,"u8) || line.StartsWith("agg_trade_id,"u8);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryNextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(available[..newline]);
                _start += newline + 1;
                return true;
            }

            if (_endOfStream)
            {
                line = TrimCarriageReturn(available);
                _start = _end;
                return line.Length > 0 || available.Length > 0;
            }

            // A line this long is refused whatever follows, so nothing past it is read: a small gzip body of one endless
            // line would otherwise be inflated into memory without bound.
            if (available.Length > MaxLineLength)
            {
                line = available;
                _start = _end;
                return true;
            }

            Refill();
        }
    }

    private void Refill()
    {
        var pending = _end - _start;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        _endOfStream = read == 0;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>Parses one line; null when it is good, otherwise the reason it is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? TryParse(ReadOnlySpan<byte> line, out Tick tick)
    {
        tick = default;
        if (line.Length > MaxLineLength)
        {
            return $"line is longer than {MaxLineLength} bytes";
        }

        Span<Range> fields = stackalloc Range[8];
        var count = SplitColumns(line, fields);
        if (count is not (6 or 7))
        {
            return $"expected 6 or 7 comma-separated columns (trade_id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]), found {count}";
        }

        var idText = line[fields[0]];
        if (!Utf8Parser.TryParse(idText, out long tradeId, out var used) || used != idText.Length || tradeId < 0)
        {
            return $"trade id '{Text(idText)}' is not a non-negative integer";
        }

        if (ReadUnits(line[fields[1]], _instrument.TickSize, "price", out var price) is { } priceError)
        {
            return priceError;
        }

        if (ReadUnits(line[fields[2]], _instrument.QuantityStep, "quantity", out var quantity) is { } quantityError)
        {
            return quantityError;
        }

        if (!Volume.TradeFits(price, quantity))
        {
            return "price × quantity is beyond what a bar can sum (2^96 ticks × steps)";
        }

        var quoteText = line[fields[3]];
        if (!Core.FixedDecimal.TryParseSmall(quoteText, out _, out _) && !Core.FixedDecimal.TryParse(quoteText, out _, out _))
        {
            return $"quote quantity '{Text(quoteText)}' is not a number";
        }

        var timeText = line[fields[4]];
        if (!Utf8Parser.TryParse(timeText, out long time, out used) || used != timeText.Length || time <= 0)
        {
            return $"time '{Text(timeText)}' is not a positive integer of Unix milliseconds or microseconds";
        }

        if (time >= TickTime.NanosecondThreshold)
        {
            return $"time '{Text(timeText)}' looks like Unix nanoseconds; give milliseconds or microseconds";
        }

        if (!TryParseBool(line[fields[5]], out var buyerIsMaker))
        {
            return $"is_buyer_maker '{Text(line[fields[5]])}' is not True or False";
        }

        if (count == 7 && !TryParseBool(line[fields[6]], out _))
        {
            return $"is_best_match '{Text(line[fields[6]])}' is not True or False";
        }

        var timeUs = time < MicrosecondThreshold ? time * 1000 : time;
        tick = new Tick(tradeId, timeUs, price, quantity, buyerIsMaker ? AggressorSide.Sell : AggressorSide.Buy);
        return null;
    }

    /// <summary>Splits on commas into <paramref name="fields"/>; returns the column count, more than the span holds if there are too many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SplitColumns(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf((byte)',');
            var end = comma < 0 ? line.Length : start + comma;
            if (count < fields.Length)
            {
                fields[count] = new Range(start, end);
            }

            count++;
            if (comma < 0)
            {
                return count;
            }

            start = end + 1;
        }
    }

    private static string? ReadUnits(ReadOnlySpan<byte> text, Increment grid, string what, out long units) =>
        grid.TryParseUnits(text, out units) switch
        {
            UnitsParse.Ok when units > 0 => null,
            UnitsParse.Ok => $"{what} '{Text(text)}' must be positive",
            UnitsParse.NotANumber => $"{what} '{Text(text)}' is not a number",
            UnitsParse.Negative => $"{what} '{Text(text)}' is negative",
            UnitsParse.OffGrid => $"{what} '{Text(text)}' is not a whole multiple of {grid}",
            _ => $"{what} '{Text(text)}' is too large",
        };

    private static bool TryParseBool(ReadOnlySpan<byte> text, out bool value)
    {
        value = text.SequenceEqual("True"u8) || text.SequenceEqual("true"u8);
        return value || text.SequenceEqual("False"u8) || text.SequenceEqual("false"u8);
    }

    private static string Text(ReadOnlySpan<byte> text) =>
        text.Length > 64 ? Encoding.UTF8.GetString(text[..64]) + "..." : Encoding.UTF8.GetString(text);
}
