namespace Candles.Host.Serving;

/// <summary>Settings of the embedded (single-process) mode: section <c>Candles:Silo</c> and <c>Candles:Simulator</c>.</summary>
public sealed class EmbeddedOptions
{
    /// <summary>Silo-to-silo port on localhost.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port on localhost.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Whether the simulated SIM: feed runs, so a new user sees candles move at once.</summary>
    public bool Simulator { get; set; } = true;
}
