namespace Candles.EndToEnd.Tests;

/// <summary>
/// Tests whose processes must settle into a cluster on time run after the others, not beside them: on two cores
/// beside other clusters under load, a silo could fetch another's grain manifest too late for the test to see the
/// feed connectors spread over both.
/// </summary>
[CollectionDefinition(nameof(AloneOnTheMachine), DisableParallelization = true)]
public sealed class AloneOnTheMachine;
