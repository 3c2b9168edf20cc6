using System.Diagnostics.CodeAnalysis;

namespace Candles.Core.Instruments;

/// <summary>An instrument's identity, <c>VENUE:SYMBOL</c> in upper case, e.g. <c>BINANCE:BTCUSDT</c>.</summary>
public readonly record struct InstrumentId
{
    private InstrumentId(string value) => Value = value;

    /// <summary>The canonical text, <c>VENUE:SYMBOL</c>.</summary>
    public string Value { get; }

    /// <summary>The exchange or source, e.g. <c>BINANCE</c> or <c>SIM</c>.</summary>
    public string Venue => Value[..Value.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>The venue's symbol, e.g. <c>BTCUSDT</c>.</summary>
    public string Symbol => Value[(Value.IndexOf(':', StringComparison.Ordinal) + 1)..];

    /// <summary>The longest id accepted, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Accepts <c>VENUE:SYMBOL</c>, at most <see cref="MaxLength"/> characters, where both parts are 1..32 characters of A-Z, 0-9, '.', '_' or '-'.
    /// Lower case is refused rather than folded, so one instrument never has two spellings.
    /// </summary>
    public static bool TryParse(string? text, out InstrumentId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || text.Length > MaxLength || colon < 1 || colon > 32 || text.Length - colon - 1 is < 1 or > 32
            || !IsPart(text.AsSpan(0, colon)) || !IsPart(text.AsSpan(colon + 1)))
        {
            error = $"instrument '{text}' is not VENUE:SYMBOL in upper case (A-Z, 0-9, '.', '_', '-')";
            return false;
        }

        id = new InstrumentId(text);
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the reason.</summary>
    public static InstrumentId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public override string ToString() => Value ?? string.Empty;

    private static bool IsPart(ReadOnlySpan<char> part)
    {
        foreach (var c in part)
        {
            if (!(c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
