namespace Candles.Abstractions.Wire;

/// <summary>What defining an instrument did: a redefinition with other grids is a conflict, never applied.</summary>
[GenerateSerializer, Alias("candles.DefineOutcome")]
public enum DefineOutcome
{
    Created,
    Unchanged,
    Conflict,
}
