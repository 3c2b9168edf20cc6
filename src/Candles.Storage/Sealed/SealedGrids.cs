namespace Candles.Storage.Sealed;

/// <summary>The one rule every sealed-bar store keeps on grids: bars are stored on an instrument's first grids only.</summary>
internal static class SealedGrids
{
    /// <summary>Bars in other units beside the stored ones would be read on the stored grids, ten times off or worse.</summary>
    public static InvalidOperationException Refusal(string instrument, object storedTick, object storedStep, object tick, object step) =>
        new($"{instrument} has sealed bars on tick {storedTick}, step {storedStep}; bars on tick {tick}, step {step} are not stored beside them");
}
