using Candles.Host.Serving;
using Candles.Testing;
using System.Text.Json;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Candles.Browser.Tests;

/// <summary>
/// The chart page in Debian's Chromium, driven by Playwright, against the embedded service with its simulated live
/// feed (as a new user runs it). Screenshots are kept in <c>artifacts/browser</c> at the repository root.
/// </summary>
public sealed class ChartPageTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly int _port = LoopbackPorts.Free();
    private WebApplication? _app;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseAddress = string.Empty;

    private static string Artifacts
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.Candles.sln")))
            {
                directory = directory.Parent;
            }

            var path = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "browser");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: infra/install-deps.sh installs Debian's chromium");
        await StartServiceAsync();
        _baseAddress = $"http://127.0.0.1:{_port}";
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>The embedded service, always on the same HTTP port, so a page can reconnect to a restarted one.</summary>
    private async Task StartServiceAsync(string[]? settings = null, Action<IServiceCollection>? services = null)
    {
        _app = CandlesServer.Build(
        [
            "--urls", $"http://127.0.0.1:{_port}", "--Candles:Silo:Simulator=true",
            $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}", $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}",
            $"--Candles:Gateway:GrpcPort={LoopbackPorts.Free()}", "--Logging:LogLevel:Default=Warning", .. settings ?? [],
        ], services);
        await _app.StartAsync();
    }

    /// <summary>The service again, with other settings or grain call filters, its simulated history written.</summary>
    private async Task RestartServiceAsync(string[]? settings = null, Action<IServiceCollection>? services = null)
    {
        await StopServiceAsync();
        await StartServiceAsync(settings, services);
        using var http = new HttpClient { BaseAddress = new Uri(_baseAddress) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var instrument in new[] { "SIM:BTCUSD", "SIM:ETHUSD", "SIM:PEPEUSD" })
        {
            // The simulated feed defines its instruments (404 until then) and writes each 12 hours of 1m bars.
            while (await MinuteBarsAsync(http, instrument) < 600)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the simulated feed never wrote the history of {instrument}");
                await Task.Delay(200);
            }
        }
    }

    private static async Task<int> MinuteBarsAsync(HttpClient http, string instrument)
    {
        using var response = await http.GetAsync($"/api/v1/candles?instrument={instrument}&tf=1m&limit=5000&from=0");
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("candles").GetArrayLength();
    }

    private async Task StopServiceAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await StopServiceAsync();
    }

    private static Task<T> EvalAsync<T>(IPage page, string expression) => page.EvaluateAsync<T>(expression);

    /// <summary>Waits for a page condition (a JS expression), failing the test with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    private static async Task WaitForAsync(IPage page, string condition, string what, int seconds = 30)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = seconds * 1_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "failed.png"), FullPage = true });
            var shown = await page.EvaluateAsync<string>(
                "`states seen: ${window.candlesPage?.statesSeen().join(' ')}; message: ${document.querySelector('#message')?.textContent}`");
            Assert.Fail($"the page never {what} ({shown})");
        }
    }

    [Fact]
    public async Task ThePageShowsLiveCandlesSwitchesTimeframeAndDrawsFootprintAndHeatmap()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:BTCUSD&tf=1m");

        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live");
        await WaitForAsync(page, "window.candlesPage.barCount() > 0", "showed a candle");
        await WaitForAsync(page, "window.candlesPage.footprintBarCount() > 0", "drew a footprint bar");
        await WaitForAsync(page, "window.candlesPage.heatmapCellCount() > 0", "drew heatmap cells");
        Assert.Contains("SIM:BTCUSD", await page.Locator("#instrument").InputValueAsync());

        // It moves: the simulated feed's trades arrive as updates of the live candle.
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates + 2}", "received live updates");
        var live = await EvalAsync<System.Text.Json.JsonElement>(page, "window.candlesPage.lastBar()");
        Assert.False(live.GetProperty("closed").GetBoolean());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "chart-1m.png") });

        // Another timeframe: the page resubscribes and shows 5m bars, which open on five-minute boundaries.
        await page.Locator("#timeframe").SelectOptionAsync("5m");
        await WaitForAsync(page, "window.candlesPage.selection().tf === '5m' && window.candlesPage.barCount() > 0 && window.candlesPage.lastBar().t % 300000 === 0", "showed 5m bars");
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live again on 5m");
        await WaitForAsync(page, "window.candlesPage.footprintBarCount() > 0 && window.candlesPage.heatmapCellCount() > 0", "drew the 5m footprint and heatmap");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "chart-5m.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AfterTheConnectionDropsThePageShowsItAndResubscribes()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:ETHUSD&tf=1m");
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live");

        // The service goes away: the state says so; when a service is back on the address, the page is live again.
        await StopServiceAsync();
        await WaitForAsync(page, "['reconnecting', 'connecting', 'error'].includes(document.querySelector('#connection-state').textContent.trim())", "showed the dropped connection");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "reconnecting.png") });
        await StartServiceAsync();

        // The page's reconnect waits up to ~19 s between tries by then, and the new service starts cold: a busy machine
        // may take longer than the usual 30 s.
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live again after the drop", seconds: 90);
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates}", "received updates after resubscribing", seconds: 60);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "after-reconnect.png") });
    }

    [Fact]
    public async Task AnInstrumentNotYetDefinedAgainAfterARestartIsAskedForUntilItIsBack()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:ETHUSD&tf=1m");

        // Live with the instrument's snapshot shown: the connection alone shows "live" before its subscriptions' snapshots,
        // and a subscription the service never answered with one takes an unknown instrument as final.
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live' && window.candlesPage.barCount() > 0", "went live with the instrument's bars");

        // A service back on the address that has not defined the instrument yet (its feed is slower than its socket):
        // the page keeps asking instead of giving the chart up.
        await StopServiceAsync();
        await StartServiceAsync(["--Candles:Silo:Simulator=false"]);
        await WaitForAsync(page, "window.candlesPage.statesSeen().slice(-1)[0] === 'retrying' && document.querySelector('#message').textContent.includes('SIM:ETHUSD')", "said it was asking again for the unknown instrument", seconds: 60);
        Assert.DoesNotContain("error", await EvalAsync<string[]>(page, "window.candlesPage.statesSeen()"));

        // The instrument is defined again and trades: the page is live on it with no reload.
        var symbol = _app!.Services.GetRequiredService<IClusterClient>().GetGrain<ISymbolGrain>("SIM:ETHUSD");
        await symbol.Define(new InstrumentSpec("SIM:ETHUSD", "0.01", "0.0001"));
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live once the instrument was back", seconds: 60);
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        var nowUs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000;
        await symbol.Ingest([new Tick(1, nowUs, 350_000, 5_000, AggressorSide.Buy)], live: true);
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates}", "received the trade made after the instrument was back");
    }

    [Fact]
    public async Task BarsThatMayMissTradesAreShownGreyedAndALateTradeInAnEmptyMinuteAddsItsBar()
    {
        // Minutes 0, 2 and 5 of a replayed stretch traded; the feed could not fill minute 5.
        var client = _app!.Services.GetRequiredService<IClusterClient>();
        var symbol = client.GetGrain<ISymbolGrain>("TEST:GAPS");
        await symbol.Define(new InstrumentSpec("TEST:GAPS", "0.01", "0.0001"));
        var t0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (10 * 60_000);
        Tick Trade(long id, long atMs) => new(id, atMs * 1_000, 350_000 + id, 5_000, AggressorSide.Buy);
        await symbol.Ingest([Trade(1, t0), Trade(2, t0 + 120_000), Trade(3, t0 + 300_000)], live: false);
        await symbol.MarkIncomplete((t0 + 300_000) * 1_000, (t0 + 300_000) * 1_000);

        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(_baseAddress + "/?instrument=TEST:GAPS&tf=1m");
        await WaitForAsync(page, "window.candlesPage.barCount() === 3 && window.candlesPage.footprintBarCount() === 3", "showed the three bars and their footprints");
        Assert.Equal([t0 + 300_000], await EvalAsync<long[]>(page, "window.candlesPage.partialBars()"));
        Assert.Equal([t0 + 300_000], await EvalAsync<long[]>(page, "window.candlesPage.partialFootprintBars()"));
        Assert.Equal(["#787b86", "none"], await EvalAsync<string[]>(page, $"[window.candlesPage.shownColor({t0 + 300_000}), window.candlesPage.shownColor({t0}) ?? 'none']"));

        // A late trade in minute 1, which had none: its bar comes as a correction and takes its place between the two.
        await symbol.Ingest([Trade(4, t0 + 60_000)], live: false);
        await WaitForAsync(page, $"window.candlesPage.barCount() === 4 && window.candlesPage.shownTimes().join() === '{string.Join(',', new[] { t0, t0 + 60_000, t0 + 120_000, t0 + 300_000 })}'", "put the late minute's bar in its place");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "partial-and-late.png") });

        // A 3:1 imbalance is found on the decimal strings: in floats 0.3 is less than 3 x 0.1.
        var ratios = await EvalAsync<bool[]>(page, "import('/decimal.js').then((d) => [d.atLeastTimes('0.3', '0.1', 3), d.atLeastTimes('0.29', '0.1', 3), d.atLeastTimes('5', '0', 3), 0.3 >= 3 * 0.1])");
        Assert.Equal([true, false, false, false], ratios);
    }

    [Fact]
    public async Task WhenTheLiveFeedCannotStartThePageSaysSoAndSubscribesAgain()
    {
        var fault = new FollowFault(failures: 2);
        await RestartServiceAsync(services: services => services.AddSingleton<IIncomingGrainCallFilter>(fault));
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:ETHUSD&tf=5m");

        // Both subscriptions (candles, footprint) are refused as unavailable at first; the page tries again on its own.
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live after the refusals");
        await WaitForAsync(page, "window.candlesPage.barCount() > 0 && window.candlesPage.footprintBarCount() > 0", "showed candles and footprint after the refusals");
        Assert.Equal(2, fault.Fired);
        var states = await EvalAsync<string[]>(page, "window.candlesPage.statesSeen()");
        Assert.Contains("retrying", states);
        Assert.DoesNotContain("error", states);
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates}", "received live updates after the refusals");
    }

    [Fact]
    public async Task AFootprintOverTheLevelLimitShowsTheLastBarsThatFitAndTheCandlesStayLive()
    {
        // 300 one-minute bars at the native tick carry several thousand levels; a few dozen fit under 2,000.
        await RestartServiceAsync(["--Candles:Gateway:MaxLevelsPerResponse=2000"]);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:BTCUSD&tf=1m&step=0.01");

        await WaitForAsync(page, "window.candlesPage.barCount() >= 300", "showed the candles' history");
        await WaitForAsync(page, "window.candlesPage.footprintBarCount() > 0", "drew footprint bars under the limit");
        var seen = await EvalAsync<JsonElement>(page, "({ history: window.candlesPage.footprintHistory(), message: document.querySelector('#message').textContent })");
        var history = seen.GetProperty("history").GetInt32();
        Assert.InRange(history, 1, 150);
        Assert.Contains($"footprint: the last {history} bars only", seen.GetProperty("message").GetString());

        // The heatmap, refused over REST the same way, asks for fewer bars as well.
        await WaitForAsync(page, "window.candlesPage.heatmapCellCount() > 0", "drew heatmap cells under the limit");
        Assert.InRange(await EvalAsync<int>(page, "window.candlesPage.heatmapBars()"), 1, 150);
        Assert.Equal("live", (await page.Locator("#connection-state").TextContentAsync())?.Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "footprint-over-limit.png") });
    }

    [Fact]
    public async Task AFootprintThatNeverFitsIsExplainedWhileTheCandlesStayLive()
    {
        await RestartServiceAsync(["--Candles:Gateway:MaxLevelsPerResponse=1"]);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_baseAddress + "/?instrument=SIM:BTCUSD&tf=1m&step=0.01");

        await WaitForAsync(page, "document.querySelector('#message').textContent.includes('footprint: the answer would carry')", "explained the refused footprint");
        Assert.Equal(1, await EvalAsync<int>(page, "window.candlesPage.footprintHistory()"));
        Assert.Equal(0, await EvalAsync<int>(page, "window.candlesPage.footprintBarCount()"));
        Assert.Equal("live", (await page.Locator("#connection-state").TextContentAsync())?.Trim());
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates}", "kept the candles live");
    }
}

/// <summary>Fails the next <c>failures</c> follows of a timeframe grain: a live feed that cannot start (a silo away).</summary>
public sealed class FollowFault(int failures) : IIncomingGrainCallFilter
{
    private int _left = failures;
    private int _fired;

    public int Fired => Volatile.Read(ref _fired);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(ITimeframeGrain.Follow) && Interlocked.Decrement(ref _left) >= 0)
        {
            Interlocked.Increment(ref _fired);
            throw new TimeoutException("injected: the timeframe grain could not be followed");
        }

        return context.Invoke();
    }
}
