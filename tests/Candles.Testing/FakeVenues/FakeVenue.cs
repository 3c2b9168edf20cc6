using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Candles.Testing.FakeVenues;

/// <summary>
/// An exchange on loopback that speaks one venue's documented wire format: a WebSocket feed that trades are
/// published to (every subscribed connection gets each one, as from a real venue) and the REST endpoints for
/// grids and past trades. Tests script it: publish, let trades happen while nobody is connected, drop every
/// connection, send garbage, forget old trades (<see cref="RestFloorId"/>).
/// </summary>
public abstract class FakeVenue : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<FakeSession> _sessions = [];
    private readonly List<FakeTrade> _history = [];
    private WebApplication? _app;
    private int _connections;
    private int _pings;

    /// <summary>Symbol → (tick size, quantity step): what the venue lists.</summary>
    public Dictionary<string, (string TickSize, string QuantityStep)> Listed { get; } = new(StringComparer.Ordinal);

    /// <summary>Trades with lower ids are no longer served over REST (the venue's history does not reach back that far).</summary>
    public long RestFloorId { get; set; } = long.MinValue;

    /// <summary>WebSocket ping frames every this long, and a connection that does not answer within <see cref="ServerPingTimeout"/> is aborted.</summary>
    public TimeSpan? ServerPingInterval { get; init; }

    /// <summary>How long a ping may go unanswered; default twice the interval.</summary>
    public TimeSpan? ServerPingTimeout { get; init; }

    /// <summary>The venue closes a connection that sent no application ping for this long (Bybit, OKX).</summary>
    public TimeSpan? ClientPingRequiredWithin { get; init; }

    public Uri WebSocketUrl { get; private set; } = null!;

    public Uri RestUrl { get; private set; } = null!;

    /// <summary>WebSocket connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Application pings received.</summary>
    public int Pings => Volatile.Read(ref _pings);

    /// <summary>Connections open now that are subscribed to <paramref name="symbol"/>.</summary>
    public int SubscribedTo(string symbol)
    {
        lock (_lock)
        {
            return _sessions.Count(s => s.Symbols.Contains(symbol));
        }
    }

    /// <summary>Connections open now that have subscribed.</summary>
    public int Subscribed
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count(s => s.Symbols.Count > 0);
            }
        }
    }

    private int _restFailures;

    /// <summary>The next this many REST requests for trades are answered 503, as a venue that is down or rate-limits does.</summary>
    public int TradeRequestFailures
    {
        get => Volatile.Read(ref _restFailures);
        set => Volatile.Write(ref _restFailures, value);
    }

    /// <summary>A connection's first message is answered only after this long, as a venue slow to subscribe.</summary>
    public TimeSpan FirstAnswerDelay { get; set; }

    /// <summary>Trades that happen while the next subscription is made, before it hears of any: only REST serves them.</summary>
    public List<FakeTrade> HappenWhileSubscribing { get; } = [];

    private int _refusedSubscriptions;

    /// <summary>
    /// The next this many subscription requests are answered with the venue's error and subscribe nothing, as a venue does
    /// for a symbol it no longer serves or past its limits; the connection stays open.
    /// </summary>
    public int RefusedSubscriptions
    {
        get => Volatile.Read(ref _refusedSubscriptions);
        set => Volatile.Write(ref _refusedSubscriptions, value);
    }

    /// <summary>Whether this subscription request is to be refused (<see cref="RefusedSubscriptions"/>).</summary>
    protected bool RefuseSubscription() => TakeOne(ref _refusedSubscriptions);

    private int _silentConnections;

    /// <summary>The next this many WebSocket connections are accepted but never answered, as a venue that hangs does.</summary>
    public int SilentConnections
    {
        get => Volatile.Read(ref _silentConnections);
        set => Volatile.Write(ref _silentConnections, value);
    }

    private static bool TakeOne(ref int counter)
    {
        int left;
        do
        {
            left = Volatile.Read(ref counter);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref counter, left - 1, left) != left);
        return true;
    }

    /// <summary>REST requests served, by path.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> RestCalls { get; } = new();

    protected abstract string WebSocketPath { get; }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        var options = new WebSocketOptions();
        if (ServerPingInterval is { } interval)
        {
            options.KeepAliveInterval = interval;
            options.KeepAliveTimeout = ServerPingTimeout ?? interval * 2;
        }

        _app.UseWebSockets(options);
        _app.Use(async (context, next) =>
        {
            RestCalls.AddOrUpdate(context.Request.Path, 1, (_, n) => n + 1);
            if (context.Request.Path.Value?.Contains("trade", StringComparison.OrdinalIgnoreCase) == true
                && !context.WebSockets.IsWebSocketRequest && TakeOne(ref _restFailures))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            await next();
        });
        _app.Map(WebSocketPath, AcceptAsync);
        MapRest(_app);
        await _app.StartAsync();
        var address = new Uri(_app.Urls.First());
        WebSocketUrl = new UriBuilder(address) { Scheme = "ws", Path = WebSocketPath }.Uri;
        RestUrl = address;
    }

    /// <summary>Trades happen: kept for REST and sent to every connection subscribed to their symbol.</summary>
    public async Task PublishAsync(IEnumerable<FakeTrade> trades)
    {
        foreach (var trade in trades)
        {
            FakeSession[] receivers;
            lock (_lock)
            {
                _history.Add(trade);
                receivers = [.. _sessions.Where(s => s.Symbols.Contains(trade.Symbol))];
            }

            var message = TradeMessage(trade);
            foreach (var session in receivers)
            {
                await session.SendAsync(message);
            }
        }
    }

    /// <summary>Trades happen while no connection hears of them: only REST can serve them.</summary>
    public void Happen(IEnumerable<FakeTrade> trades)
    {
        lock (_lock)
        {
            _history.AddRange(trades);
        }
    }

    /// <summary>Every connection is cut without a close handshake, as a network failure would.</summary>
    public void DropAll()
    {
        lock (_lock)
        {
            foreach (var session in _sessions)
            {
                session.Socket.Abort();
            }

            _sessions.Clear();
        }
    }

    /// <summary>Sends text as is to every open connection.</summary>
    public async Task SendRawAsync(string text)
    {
        FakeSession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            await session.SendAsync(text);
        }
    }

    /// <summary>The trades of a symbol REST still serves, ascending by id.</summary>
    protected List<FakeTrade> History(string symbol)
    {
        lock (_lock)
        {
            return [.. _history.Where(t => t.Symbol == symbol && t.Id >= RestFloorId)];
        }
    }

    /// <summary>The answers to one client message; may subscribe the session.</summary>
    protected abstract IEnumerable<string> Answer(FakeSession session, string message);

    protected abstract string TradeMessage(FakeTrade trade);

    protected abstract void MapRest(WebApplication app);

    protected void CountPing() => Interlocked.Increment(ref _pings);

    /// <summary>The session hears of these symbols' trades from now on.</summary>
    protected void Subscribe(FakeSession session, IEnumerable<string> symbols)
    {
        lock (_lock)
        {
            _history.AddRange(HappenWhileSubscribing);
            HappenWhileSubscribing.Clear();
            session.Symbols.UnionWith(symbols);
        }
    }

    /// <summary>The newest trade of a symbol, if any happened.</summary>
    protected FakeTrade? Latest(string symbol)
    {
        lock (_lock)
        {
            return _history.LastOrDefault(t => t.Symbol == symbol);
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _connections);
        var session = new FakeSession(socket, context.Request.Query);
        lock (_lock)
        {
            _sessions.Add(session);
        }

        try
        {
            await ReceiveAsync(session, silent: TakeOne(ref _silentConnections));
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Dropped.
        }
        finally
        {
            lock (_lock)
            {
                _sessions.Remove(session);
            }
        }
    }

    private async Task ReceiveAsync(FakeSession session, bool silent)
    {
        var buffer = new byte[64 * 1024];
        var first = true;
        while (session.Socket.State == WebSocketState.Open)
        {
            using var idle = new CancellationTokenSource(ClientPingRequiredWithin ?? Timeout.InfiniteTimeSpan);
            WebSocketReceiveResult result;
            try
            {
                result = await session.Socket.ReceiveAsync(buffer, idle.Token);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested)
            {
                // As the venue does: no ping in time, the connection is closed.
                session.Socket.Abort();
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await session.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            if (first && FirstAnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(FirstAnswerDelay);
            }

            first = false;
            foreach (var answer in silent ? [] : Answer(session, Encoding.UTF8.GetString(buffer, 0, result.Count)))
            {
                await session.SendAsync(answer);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropAll();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>One connection to a fake venue.</summary>
public sealed class FakeSession(WebSocket socket, IQueryCollection query)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public WebSocket Socket { get; } = socket;

    public IQueryCollection Query { get; } = query;

    public HashSet<string> Symbols { get; } = new(StringComparer.Ordinal);

    public async Task SendAsync(string text)
    {
        await _send.WaitAsync();
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone (a killed client's send is cancelled by the server); its reader removes it.
        }
        finally
        {
            _send.Release();
        }
    }
}
