using System.Text.Json;

namespace Candles.Gateway.WebSockets;

/// <summary>A client's message: <c>op</c> (subscribe, unsubscribe, ping), its <c>id</c> as raw JSON, and the subscribe fields.</summary>
internal sealed record ClientMessage(string Op, string? IdJson, string? Instrument, string? Timeframe, string? Zone, int? History, bool Footprint, string? Step)
{
    /// <summary>Reads a text frame; on anything malformed returns what was wrong, with the id if one could be read.</summary>
    public static (ClientMessage? Message, string? IdJson, string? Error) Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, null, $"the message is not JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, "the message must be a JSON object with an \"op\"");
            }

            string? idJson = null;
            if (root.TryGetProperty("id", out var id))
            {
                if (id.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                {
                    return (null, null, "\"id\" must be a number or a string");
                }

                idJson = id.GetRawText();
            }

            if (!root.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String)
            {
                return (null, idJson, "\"op\" must be \"subscribe\", \"unsubscribe\" or \"ping\"");
            }

            string? error = null;
            try
            {
                var message = new ClientMessage(
                    op.GetString()!,
                    idJson,
                    Text(root, "instrument", ref error),
                    Text(root, "tf", ref error),
                    Text(root, "tz", ref error),
                    Whole(root, "history", ref error),
                    Flag(root, "footprint", ref error),
                    Text(root, "step", ref error));
                return error is null ? (message, idJson, null) : (null, idJson, error);
            }
            catch (InvalidOperationException)
            {
                // Valid JSON, but an escape such as "\ud800" that is no character: no string can be made of it.
                return (null, idJson, "a string in the message is not text (an escaped lone surrogate)");
            }
        }
    }

    private static string? Text(JsonElement root, string name, ref string? error)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error ??= $"\"{name}\" must be a string";
            return null;
        }

        return value.GetString();
    }

    private static int? Whole(JsonElement root, string name, ref string? error)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            error ??= $"\"{name}\" must be a whole number";
            return null;
        }

        return number;
    }

    private static bool Flag(JsonElement root, string name, ref string? error)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error ??= $"\"{name}\" must be true or false";
            return false;
        }

        return value.GetBoolean();
    }
}
