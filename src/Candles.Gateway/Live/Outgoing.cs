namespace Candles.Gateway.Live;

public enum OutgoingKind
{
    Snapshot,
    Update,
    Correction,
    Error,
    Pong,
}

/// <summary>
/// A message waiting in a client's outbox. A live update's <see cref="Event"/> may be replaced by a newer one
/// while it waits; its sequence number is given when it is sent, so what a client receives stays contiguous.
/// </summary>
public sealed class Outgoing
{
    private Outgoing(OutgoingKind kind, Subscription? subscription, string? idJson)
    {
        Kind = kind;
        Subscription = subscription;
        IdJson = idJson ?? subscription?.IdJson;
    }

    public OutgoingKind Kind { get; }

    public Subscription? Subscription { get; }

    /// <summary>The client's id for the subscription or request, as the JSON it sent (a number or a string).</summary>
    public string? IdJson { get; }

    public LiveEvent? Event { get; set; }

    /// <summary>When it was queued (a <see cref="TimeProvider"/> timestamp); a replacement keeps its place and its age.</summary>
    internal long EnqueuedAt { get; set; }

    /// <summary>The snapshot's bars, their JSON written once for every subscriber given the same read.</summary>
    public IReadOnlyList<LiveEvent>? Snapshot { get; private init; }

    public string? Code { get; private init; }

    public string? Message { get; private init; }

    public int Status { get; private init; }

    public static Outgoing ForSnapshot(Subscription subscription, IReadOnlyList<LiveEvent> bars) =>
        new(OutgoingKind.Snapshot, subscription, null) { Snapshot = bars };

    public static Outgoing ForEvent(Subscription subscription, LiveEvent e) =>
        new(e.Kind == LiveEventKind.Correction ? OutgoingKind.Correction : OutgoingKind.Update, subscription, null) { Event = e };

    /// <param name="idJson">The id the client gave the request, as JSON, if it gave one.</param>
    /// <param name="code">The machine code (DESIGN §3).</param>
    /// <param name="message">What was wrong, for a person.</param>
    /// <param name="status">The HTTP status of the same refusal over REST, for transports that map it (gRPC).</param>
    public static Outgoing ForError(string? idJson, string code, string message, int status = 400) =>
        new(OutgoingKind.Error, null, idJson) { Code = code, Message = message, Status = status };

    public static Outgoing ForPong(string? idJson) => new(OutgoingKind.Pong, null, idJson);
}
