using Candles.Core.Bars;
using Orleans.Serialization.Cloning;

namespace Candles.Abstractions.Serialization;

// The core's bars are immutable, so a call inside one silo may share them instead of deep-copying
// thousands of footprint levels per request.

[RegisterCopier]
public sealed class BarCopier : IDeepCopier<Bar>
{
    public Bar? DeepCopy(Bar? input, CopyContext context) => input;
}

[RegisterCopier]
public sealed class CandleCopier : IDeepCopier<Candle>
{
    public Candle? DeepCopy(Candle? input, CopyContext context) => input;
}

[RegisterCopier]
public sealed class FootprintCopier : IDeepCopier<Footprint>
{
    public Footprint? DeepCopy(Footprint? input, CopyContext context) => input;
}
