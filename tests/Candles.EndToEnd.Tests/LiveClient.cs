using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Candles.EndToEnd.Tests;

/// <summary>A WebSocket client of <c>/ws</c> for tests: sends JSON, keeps every message it receives, and the bars each subscription holds.</summary>
public sealed class LiveClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _all = [];
    private Task? _reader;

    private readonly Dictionary<string, SortedDictionary<long, JsonElement>> _bars = [];
    private readonly Dictionary<string, List<long>> _sequences = [];

    /// <summary>A copy of the bars of each subscription as the messages left them, by open time (the reader goes on).</summary>
    public Dictionary<string, SortedDictionary<long, JsonElement>> Bars
    {
        get
        {
            lock (_all)
            {
                return _bars.ToDictionary(b => b.Key, b => new SortedDictionary<long, JsonElement>(b.Value));
            }
        }
    }

    /// <summary>A copy of the sequences each subscription received.</summary>
    public Dictionary<string, List<long>> Sequences
    {
        get
        {
            lock (_all)
            {
                return _sequences.ToDictionary(s => s.Key, s => s.Value.ToList());
            }
        }
    }

    public int Snapshots { get; private set; }

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public static async Task<LiveClient> ConnectAsync(Uri address, HttpMessageInvoker? invoker = null, bool read = true)
    {
        var client = new LiveClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (invoker is null)
        {
            await client._socket.ConnectAsync(address, timeout.Token);
        }
        else
        {
            await client._socket.ConnectAsync(address, invoker, timeout.Token);
        }

        if (read)
        {
            client.StartReading();
        }

        return client;
    }

    public void StartReading() => _reader ??= Task.Run(ReadAsync);

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next message received, failing the test after <paramref name="within"/>.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no message within {within ?? TimeSpan.FromSeconds(20)}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the connection closed: {CloseStatus} {CloseReason}");
        }
    }

    /// <summary>Reads messages until one of the given type (skipping others), failing the test if none comes.</summary>
    public async Task<JsonElement> NextOfTypeAsync(string type, TimeSpan? within = null)
    {
        while (true)
        {
            var message = await NextAsync(within);
            if (message.GetProperty("type").GetString() == type)
            {
                return message;
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds for what was received; false after <paramref name="within"/>.</summary>
    public async Task<bool> UntilAsync(Func<LiveClient, bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            lock (_all)
            {
                if (condition(this))
                {
                    return true;
                }
            }

            await Task.Delay(20);
        }

        lock (_all)
        {
            return condition(this);
        }
    }

    /// <summary>Reads until the server closes the connection; true if it did within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan within) =>
        _reader is not null && await Task.WhenAny(_reader, Task.Delay(within)) == _reader && _socket.CloseStatus is not null;

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 14];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var message = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
                lock (_all)
                {
                    _all.Add(message);
                    Apply(message);
                }

                _received.Writer.TryWrite(message);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    /// <summary>What a chart does: a snapshot replaces everything it had (DESIGN §3), an update or correction replaces its bar.</summary>
    private void Apply(JsonElement message)
    {
        var type = message.GetProperty("type").GetString();
        if (type is not ("snapshot" or "update" or "correction"))
        {
            return;
        }

        var id = message.GetProperty("id").GetRawText();
        var bars = _bars.TryGetValue(id, out var b) ? b : _bars[id] = [];
        (_sequences.TryGetValue(id, out var s) ? s : _sequences[id] = []).Add(message.GetProperty("seq").GetInt64());
        if (type == "snapshot")
        {
            Snapshots++;
            bars.Clear();
            foreach (var bar in message.GetProperty("candles").EnumerateArray())
            {
                bars[bar.GetProperty("t").GetInt64()] = bar;
            }

            return;
        }

        var candle = message.GetProperty("candle");
        bars[candle.GetProperty("t").GetInt64()] = candle;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Abort();
        if (_reader is not null)
        {
            await Task.WhenAny(_reader, Task.Delay(5000));
        }

        _socket.Dispose();
    }
}
