using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Candles.Ingest.Feeds;

/// <summary>
/// One WebSocket connection to a venue: connected, subscribed, and confirmed by the venue's first answer before
/// <see cref="OpenAsync"/> returns. It reads until the venue closes or drops it, or it is disposed; every text
/// message goes to the handler, which says when the venue refused a request of ours (<see cref="Refused"/>). WebSocket ping frames go out every keepalive period and an unanswered one drops
/// the connection; venues that want their own ping get it on the same period.
/// </summary>
internal sealed class FeedSession : IAsyncDisposable
{
    /// <summary>Longer messages are not a venue's trades: the connection is dropped rather than buffering without end.</summary>
    public const int MaxMessageBytes = 4 << 20;

    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<ReadOnlyMemory<byte>, bool> _handle;
    private readonly Action _binary;

    private FeedSession(Func<ReadOnlyMemory<byte>, bool> handle, Action binary) => (_handle, _binary) = (handle, binary);

    /// <summary>Completes when the connection has ended, however.</summary>
    public Task Reading { get; private set; } = Task.CompletedTask;

    /// <summary>Completes when the venue has refused a request of this connection (a subscription): reading goes on.</summary>
    public Task Refused => _refused.Task;

    /// <summary>Opens the connection; <paramref name="handle"/> takes each text message, false when it is the venue refusing a request.</summary>
    public static async Task<FeedSession> OpenAsync(
        Venue venue, VenueFeedOptions options, Uri url, IReadOnlyList<string> symbols, Func<ReadOnlyMemory<byte>, bool> handle, Action binary,
        CancellationToken cancellation)
    {
        var session = new FeedSession(handle, binary);
        try
        {
            session._socket.Options.KeepAliveInterval = options.KeepAlivePeriod;
            session._socket.Options.KeepAliveTimeout = options.ResponseTimeout;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(options.ResponseTimeout);
            await session._socket.ConnectAsync(url, timeout.Token);
            session.Reading = session.ReadAsync();
            foreach (var message in venue.SubscribeMessages(symbols, options))
            {
                await session.SendAsync(message, timeout.Token);
            }

            await session._answered.Task.WaitAsync(timeout.Token);
            if (venue.KeepAliveMessage is { } ping)
            {
                _ = session.PingAsync(ping, options.KeepAlivePeriod);
            }

            return session;
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            // The venue did not answer in time: a failure to retry, not the caller stopping.
            await session.DisposeAsync();
            throw new TimeoutException($"{venue.Name} did not confirm the connection within {options.ResponseTimeout}", ex);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private Task SendAsync(string text, CancellationToken cancellation) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellation);

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), _stop.Token);
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > MaxMessageBytes)
                    {
                        throw new WebSocketException($"a message over {MaxMessageBytes} bytes");
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                _answered.TrySetResult();
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    if (!_handle(buffer.WrittenMemory))
                    {
                        _refused.TrySetResult();
                    }
                }
                else
                {
                    _binary();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            _answered.TrySetException(ex);
        }
        finally
        {
            _answered.TrySetException(new WebSocketException("the venue closed the connection before answering"));
        }
    }

    private async Task PingAsync(string ping, TimeSpan period)
    {
        try
        {
            using var timer = new PeriodicTimer(period);
            while (await timer.WaitForNextTickAsync(_stop.Token) && _socket.State == WebSocketState.Open)
            {
                await SendAsync(ping, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The reader sees the connection end and the connector reconnects.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // Closing is a courtesy: the connection is dropped below either way.
            }
        }

        await _stop.CancelAsync();
        _socket.Abort();
        await Reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }
}
