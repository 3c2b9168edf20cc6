using System.Diagnostics.Metrics;
using Candles.Gateway.Live;

namespace Candles.Gateway.Requests;

/// <summary>Ingest batches this gateway refused before they reached an instrument, counted in ticks by the refusal's code.</summary>
public static class IngestMetrics
{
    private static readonly Counter<long> Refused = LiveMetrics.Meter.CreateCounter<long>(
        "candles.ingest.refused", "{tick}", "Ticks of ingest batches refused whole by the gateway, by code: bad_tick, bad_tick_time, batch_too_large");

    public static RequestError Refusing(RequestError error, int ticks)
    {
        Refused.Add(ticks, new KeyValuePair<string, object?>("code", error.Code));
        return error;
    }
}
