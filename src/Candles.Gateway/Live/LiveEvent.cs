using System.Text.Json;
using Candles.Gateway.Json;

namespace Candles.Gateway.Live;

public enum LiveEventKind
{
    /// <summary>The live bar changed, or (<see cref="CandleJson.Closed"/>) a bar closed.</summary>
    Update,

    /// <summary>A bar that had closed changed: a new revision.</summary>
    Correction,
}

/// <summary>One bar change fanned out to every subscriber of a feed, its JSON written once for all of them.</summary>
public sealed class LiveEvent(LiveEventKind kind, CandleJson bar, long committedAtMs = 0)
{
    private byte[]? _json;

    public LiveEventKind Kind { get; } = kind;

    /// <summary>When its instrument's grain committed the change (Unix ms; 0 for snapshot bars).</summary>
    public long CommittedAtMs { get; } = committedAtMs;

    /// <summary>A candle, or a <see cref="FootprintJson"/> for a footprint feed.</summary>
    public CandleJson Bar { get; } = bar;

    /// <summary>A live update that a newer one may replace before it is sent; closes and corrections never are.</summary>
    public bool IsReplaceable => Kind == LiveEventKind.Update && !Bar.Closed;

    /// <summary>The bar as its runtime type, so a footprint bar keeps its levels.</summary>
    public ReadOnlyMemory<byte> Json => _json ??= JsonSerializer.SerializeToUtf8Bytes(Bar, Bar.GetType());
}
