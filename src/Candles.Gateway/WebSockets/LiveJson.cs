using System.Text.Json;
using Candles.Gateway.Live;

namespace Candles.Gateway.WebSockets;

/// <summary>
/// The live protocol's server messages (DESIGN §3): <c>snapshot</c>, <c>update</c>, <c>correction</c>, <c>error</c>,
/// <c>pong</c>. Bars are written from the JSON their feed made once for every subscriber.
/// </summary>
public static class LiveJson
{
    public static void Write(Utf8JsonWriter json, Outgoing message, long sequence)
    {
        json.WriteStartObject();
        json.WriteString("type", message.Kind switch
        {
            OutgoingKind.Snapshot => "snapshot",
            OutgoingKind.Update => "update",
            OutgoingKind.Correction => "correction",
            OutgoingKind.Error => "error",
            _ => "pong",
        });
        if (message.IdJson is { } id)
        {
            json.WritePropertyName("id");
            json.WriteRawValue(id, skipInputValidation: true);
        }

        switch (message.Kind)
        {
            case OutgoingKind.Snapshot:
                json.WriteNumber("seq", sequence);
                json.WriteStartArray("candles");
                foreach (var bar in message.Snapshot!)
                {
                    json.WriteRawValue(bar.Json.Span, skipInputValidation: true);
                }

                json.WriteEndArray();
                break;
            case OutgoingKind.Update or OutgoingKind.Correction:
                json.WriteNumber("seq", sequence);
                json.WritePropertyName("candle");
                json.WriteRawValue(message.Event!.Json.Span, skipInputValidation: true);
                break;
            case OutgoingKind.Error:
                json.WriteString("code", message.Code);
                json.WriteString("message", message.Message);
                break;
        }

        json.WriteEndObject();
    }
}
