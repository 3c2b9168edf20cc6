using Candles.Abstractions.Wire;

namespace Candles.Ingest.Feeds;

/// <summary>What a connector has seen and done since it started; safe to read while it runs.</summary>
public sealed class FeedCounters
{
    private long _messages, _trades, _malformed, _unknown, _venueErrors, _offGrid, _droppedRepeats, _backfilled, _unfilled, _connections, _drops, _rollovers;
    private long _applied, _duplicates, _refused;

    public void Message() => Interlocked.Increment(ref _messages);

    public void Trade() => Interlocked.Increment(ref _trades);

    public void Malformed() => Interlocked.Increment(ref _malformed);

    public void Unknown() => Interlocked.Increment(ref _unknown);

    public void VenueError() => Interlocked.Increment(ref _venueErrors);

    public void OffGrid() => Interlocked.Increment(ref _offGrid);

    public void DroppedRepeat() => Interlocked.Increment(ref _droppedRepeats);

    public void Backfilled(int count) => Interlocked.Add(ref _backfilled, count);

    public void Unfilled(long count) => Interlocked.Add(ref _unfilled, count);

    public void Connected() => Interlocked.Increment(ref _connections);

    public void Dropped() => Interlocked.Increment(ref _drops);

    public void RolledOver() => Interlocked.Increment(ref _rollovers);

    public void Delivered(IngestReport report)
    {
        Interlocked.Add(ref _applied, report.Applied + report.Amended);
        Interlocked.Add(ref _duplicates, report.Duplicates);
        Interlocked.Add(ref _refused, report.TooOld + report.OutOfBounds);
    }

    public FeedStatus Snapshot() => new(
        Interlocked.Read(ref _messages), Interlocked.Read(ref _trades), Interlocked.Read(ref _malformed), Interlocked.Read(ref _unknown),
        Interlocked.Read(ref _venueErrors), Interlocked.Read(ref _offGrid), Interlocked.Read(ref _droppedRepeats), Interlocked.Read(ref _backfilled),
        Interlocked.Read(ref _unfilled), Interlocked.Read(ref _connections), Interlocked.Read(ref _drops), Interlocked.Read(ref _rollovers),
        Interlocked.Read(ref _applied), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _refused));
}
