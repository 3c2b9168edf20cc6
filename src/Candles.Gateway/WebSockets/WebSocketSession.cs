using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Candles.Gateway.Live;
using Candles.Gateway.Options;
using Microsoft.Extensions.Logging;

namespace Candles.Gateway.WebSockets;

/// <summary>
/// One WebSocket client: reads its requests (subscribe, unsubscribe, ping) and writes what its subscriptions send,
/// through one bounded outbox. A bad message is answered with an error and the connection goes on; a client that
/// falls too far behind is closed with the reason.
/// </summary>
internal sealed partial class WebSocketSession : IDisposable
{
    private readonly Dictionary<string, Subscription> _subscriptions = [];
    private readonly WebSocket _socket;
    private readonly LiveFeedHub _hub;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly ClientOutbox _outbox;
    private readonly ArrayBufferWriter<byte> _frame = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WebSocketSession(WebSocket socket, LiveFeedHub hub, GatewayOptions options, ILogger logger)
    {
        (_socket, _hub, _options, _logger) = (socket, hub, options, logger);
        _json = new Utf8JsonWriter(_frame, WriterOptions);
        _outbox = new ClientOutbox(options.ClientQueueLimit, options.ClientMaxLag, hub.Time, SendAsync);
    }

    public void Dispose() => _json.Dispose();

    /// <param name="cancellation">The connection is gone.</param>
    /// <param name="stopping">The server is shutting down: clients are told to reconnect (to another gateway).</param>
    public async Task RunAsync(CancellationToken cancellation, CancellationToken stopping)
    {
        using var shutdown = stopping.Register(_outbox.Complete);
        LiveMetrics.ClientConnected("websocket");
        var writer = WriteAsync(cancellation, stopping);
        _ = CutOffIfStuckAsync();
        try
        {
            await ReceiveAsync(cancellation);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            LogDropped(_logger, ex.Message);
        }
        finally
        {
            foreach (var subscription in _subscriptions.Values)
            {
                _hub.Unsubscribe(subscription);
            }

            _outbox.Complete();
            _receiveEnded.TrySetResult();
            LiveMetrics.ClientLeft("websocket");
        }

        await writer;
        await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
    }

    /// <summary>
    /// Sends until the client leaves or the server stops. A client that fell too far behind is closed with the reason
    /// once the send under way is done, and cut off if it does not take the close within <see cref="GatewayOptions.SlowClientGrace"/>;
    /// at shutdown each client is told to reconnect and given <see cref="ShutdownGrace"/> to answer.
    /// </summary>
    private async Task WriteAsync(CancellationToken cancellation, CancellationToken stopping)
    {
        try
        {
            await _outbox.RunAsync(cancellation);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut off or gone: nothing more can be said to it.
            LogDropped(_logger, ex.Message);
            return;
        }

        var (status, reason) = _outbox.OverflowReason is { } slow
            ? (WebSocketCloseStatus.PolicyViolation, slow)
            : stopping.IsCancellationRequested ? (WebSocketCloseStatus.EndpointUnavailable, "server shutting down; reconnect") : default;
        if (reason is not null)
        {
            LogClosing(_logger, reason);
            await CloseAsync(status, reason);
            try
            {
                // The receive loop reads the client's answer to the close; a client that never gives one is cut off.
                await _receiveEnded.Task.WaitAsync(status == WebSocketCloseStatus.PolicyViolation ? _options.SlowClientGrace : ShutdownGrace, cancellation);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// A client cut off as too slow whose send under way never finishes (it reads nothing at all) is aborted once
    /// <see cref="GatewayOptions.SlowClientGrace"/> has passed, so its connection and subscriptions do not linger.
    /// </summary>
    private async Task CutOffIfStuckAsync()
    {
        await _outbox.Stopped;
        if (_outbox.OverflowReason is null)
        {
            return;
        }

        await Task.Delay(_options.SlowClientGrace, _hub.Time);
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
        {
            _socket.Abort();
        }
    }

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private async Task ReceiveAsync(CancellationToken cancellation)
    {
        var buffer = new byte[_options.MaxClientMessageBytes];
        while (_socket.State == WebSocketState.Open)
        {
            var (length, type, oversized) = await ReadMessageAsync(buffer, cancellation);
            if (type == WebSocketMessageType.Close)
            {
                return;
            }

            if (oversized)
            {
                _outbox.Enqueue(Outgoing.ForError(null, "bad_request", $"the message is larger than {buffer.Length} bytes"));
            }
            else if (type == WebSocketMessageType.Binary)
            {
                _outbox.Enqueue(Outgoing.ForError(null, "bad_request", "messages must be JSON text frames"));
            }
            else
            {
                await HandleAsync(buffer.AsMemory(0, length));
            }
        }
    }

    /// <summary>One whole message into the buffer; the rest of an oversized one is read and dropped.</summary>
    private async Task<(int Length, WebSocketMessageType Type, bool Oversized)> ReadMessageAsync(byte[] buffer, CancellationToken cancellation)
    {
        var length = 0;
        var oversized = false;
        while (true)
        {
            var segment = length < buffer.Length ? buffer.AsMemory(length) : buffer.AsMemory();
            var result = await _socket.ReceiveAsync(segment, cancellation);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (0, result.MessageType, false);
            }

            if (length < buffer.Length)
            {
                length += result.Count;
            }
            else
            {
                oversized = true;
            }

            if (result.EndOfMessage)
            {
                return (length, result.MessageType, oversized);
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        var (message, idJson, error) = ClientMessage.Parse(utf8.Span);
        if (message is null)
        {
            _outbox.Enqueue(Outgoing.ForError(idJson, "bad_request", error!));
            return;
        }

        switch (message.Op)
        {
            case "ping":
                _outbox.Enqueue(Outgoing.ForPong(idJson));
                break;
            case "subscribe":
                await SubscribeAsync(message);
                break;
            case "unsubscribe":
                if (idJson is null || !_subscriptions.Remove(idJson, out var subscription))
                {
                    _outbox.Enqueue(Outgoing.ForError(idJson, "bad_request", $"no subscription with id {idJson ?? "(none given)"}"));
                    break;
                }

                _hub.Unsubscribe(subscription);
                break;
            default:
                _outbox.Enqueue(Outgoing.ForError(idJson, "bad_request", $"op '{message.Op}' is not subscribe, unsubscribe or ping"));
                break;
        }
    }

    private async Task SubscribeAsync(ClientMessage message)
    {
        if (message.IdJson is not { } id)
        {
            _outbox.Enqueue(Outgoing.ForError(null, "bad_request", "subscribe needs an \"id\" (a number or a string) to name the subscription"));
            return;
        }

        if (_subscriptions.TryGetValue(id, out var existing) && existing.Active)
        {
            _outbox.Enqueue(Outgoing.ForError(id, "bad_request", $"subscription {id} exists already; unsubscribe it first"));
            return;
        }

        // A subscription the service ended (a refused snapshot) no longer counts: its client was told, and may not unsubscribe it.
        foreach (var ended in _subscriptions.Where(s => !s.Value.Active).Select(s => s.Key).ToList())
        {
            _subscriptions.Remove(ended);
        }

        if (_subscriptions.Count >= _options.MaxSubscriptionsPerConnection)
        {
            _outbox.Enqueue(Outgoing.ForError(id, "too_many_subscriptions", $"at most {_options.MaxSubscriptionsPerConnection} subscriptions per connection"));
            return;
        }

        try
        {
            var args = new SubscribeArguments(message.Instrument, message.Timeframe, message.Zone, message.History, message.Footprint, message.Step);
            var (subscription, error) = await _hub.OpenAsync(id, args, _outbox);
            if (subscription is null)
            {
                _outbox.Enqueue(Outgoing.ForError(id, error!.Code, error.Message));
                return;
            }

            _subscriptions[id] = subscription;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSubscribeFailed(_logger, ex, id);
            _outbox.Enqueue(Outgoing.ForError(id, "unavailable", "the live feed could not be started; try again"));
        }
    }

    /// <summary>
    /// One writer per connection, its buffer reused. No token for the frame, which would take the socket's slow path:
    /// a lost connection or an abort (<see cref="CutOffIfStuckAsync"/>) ends a send, and the outbox checks the token between messages.
    /// </summary>
    private ValueTask SendAsync(Outgoing message, long sequence, CancellationToken cancellation)
    {
        _frame.ResetWrittenCount();
        _json.Reset(_frame);
        LiveJson.Write(_json, message, sequence);
        _json.Flush();
        return _socket.SendAsync(_frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>Sends the close; a client that does not take it in time is cut off.</summary>
    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.SlowClientGrace);
        try
        {
            await _socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _socket.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client closed: {Reason}")]
    private static partial void LogClosing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket client dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {Id} could not start")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string id);
}
