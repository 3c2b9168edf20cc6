using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Instruments;

namespace Candles.Gateway.Requests;

/// <summary>A defined instrument as the gateway holds it: its definition, its grids parsed, and its grain.</summary>
public sealed record KnownInstrument(InstrumentSpec Spec, Instrument Instrument, ISymbolGrain Grain);
