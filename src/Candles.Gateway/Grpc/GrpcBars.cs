using Candles.Gateway.Grpc.V1;
using Candles.Gateway.Json;
using Candles.Gateway.Live;

namespace Candles.Gateway.Grpc;

/// <summary>The JSON bar shapes as protobuf messages: the same decimal strings, field for field.</summary>
internal static class GrpcBars
{
    public static Candle Candle(CandleJson c) => new()
    {
        T = c.T, O = c.O, H = c.H, L = c.L, C = c.C, V = c.V, Bv = c.Bv, Sv = c.Sv, Qv = c.Qv, N = c.N, Closed = c.Closed, Rev = c.Rev, Complete = c.Complete,
    };

    public static FootprintBar Footprint(FootprintJson f)
    {
        var bar = new FootprintBar
        {
            T = f.T, O = f.O, H = f.H, L = f.L, C = f.C, V = f.V, Bv = f.Bv, Sv = f.Sv, Qv = f.Qv, N = f.N, Closed = f.Closed, Rev = f.Rev, Complete = f.Complete,
            Delta = f.Delta, Poc = f.Poc ?? string.Empty, Vah = f.Vah ?? string.Empty, Val = f.Val ?? string.Empty,
        };
        bar.Levels.AddRange(f.Levels.Select(l => new Level { P = l.P, Bv = l.Bv, Sv = l.Sv, N = l.N }));
        return bar;
    }

    public static SubscribeEvent Event(Outgoing message, long sequence)
    {
        var e = new SubscribeEvent { Seq = sequence };
        switch (message.Kind)
        {
            case OutgoingKind.Snapshot:
                var snapshot = new Snapshot();
                foreach (var bar in message.Snapshot!.Select(e => e.Bar))
                {
                    if (bar is FootprintJson footprint)
                    {
                        snapshot.Bars.Add(Footprint(footprint));
                    }
                    else
                    {
                        snapshot.Candles.Add(Candle(bar));
                    }
                }

                e.Snapshot = snapshot;
                break;
            case OutgoingKind.Update:
                e.Update = Update(message.Event!.Bar);
                break;
            default:
                e.Correction = Update(message.Event!.Bar);
                break;
        }

        return e;
    }

    private static BarUpdate Update(CandleJson bar) => bar is FootprintJson footprint ? new BarUpdate { Bar = Footprint(footprint) } : new BarUpdate { Candle = Candle(bar) };
}
