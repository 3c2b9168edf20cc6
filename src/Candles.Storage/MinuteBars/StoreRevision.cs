using System.Globalization;

namespace Candles.Storage.MinuteBars;

/// <summary>
/// Who wrote an instrument's 1m history last, and how many commits it has seen: the writing activation's
/// <paramref name="Epoch"/> and a <paramref name="Number"/> that rises by one with every commit, whichever
/// activation makes it. Every commit names the revision it expects to replace, so an activation that is not
/// the last writer is refused, and one that finds an older revision than its own knows the store lost writes.
/// </summary>
public readonly record struct StoreRevision(string Epoch, long Number)
{
    /// <summary>Nothing committed yet (or the store lost everything).</summary>
    public static StoreRevision None { get; } = new(string.Empty, 0);

    public bool IsNone => Number == 0 && Epoch.Length == 0;

    /// <summary>The revision a commit by <paramref name="epoch"/> after this one writes.</summary>
    public StoreRevision Next(string epoch) => new(epoch, Number + 1);

    /// <summary>As stored: <c>number/epoch</c>, empty for <see cref="None"/>.</summary>
    public override string ToString() => IsNone ? string.Empty : $"{Number.ToString(CultureInfo.InvariantCulture)}/{Epoch}";

    public static StoreRevision Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return None;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && long.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new StoreRevision(text[(slash + 1)..], number)
            : throw new FormatException($"'{text}' is not a 1m store revision (number/epoch)");
    }
}

/// <summary>The outcome of a conditional write: committed, or refused because the store holds <see cref="Found"/> instead of the expected revision.</summary>
public readonly record struct CommitResult(bool Committed, StoreRevision Found)
{
    public static CommitResult Done(StoreRevision written) => new(true, written);

    public static CommitResult Conflict(StoreRevision found) => new(false, found);
}

/// <summary>The last committed checkpoint (null for an instrument never committed) with the revision that wrote it.</summary>
public sealed record StoredCheckpoint(Core.Building.BuilderCheckpoint? Checkpoint, StoreRevision Revision)
{
    public static StoredCheckpoint Empty { get; } = new(null, StoreRevision.None);
}

/// <summary>An instrument's whole stored history: the last committed checkpoint, its revision and the bars, ascending.</summary>
public sealed record StoredHistory(StoredCheckpoint Stored, IReadOnlyList<Core.Bars.Bar> Bars);
