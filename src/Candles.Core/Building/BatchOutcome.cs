namespace Candles.Core.Building;

/// <summary>What became of a batch's ticks (<see cref="BarBuilder.Apply"/>); <see cref="Refusal"/> says why the last tick out of bounds was refused.</summary>
public readonly record struct BatchOutcome(int Applied, int Amended, int Duplicates, int TooOld, int OutOfBounds, string? Refusal);
