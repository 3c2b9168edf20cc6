namespace Candles.Core.Building;

/// <summary>What the builder did with one tick. Every tick gets exactly one outcome, so none is lost silently.</summary>
public enum TickOutcome : byte
{
    /// <summary>Added to the live bar (possibly closing the previous one first).</summary>
    Applied,

    /// <summary>Its bar had closed; the closed bar was amended and its revision raised.</summary>
    Amended,

    /// <summary>Its trade id was already applied; ignored.</summary>
    Duplicate,

    /// <summary>Older than the retained history; refused.</summary>
    TooOld,
}
