using Candles.Host.Serving;
using Candles.Testing;
using Microsoft.AspNetCore.Builder;
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
    private async Task StartServiceAsync()
    {
        _app = CandlesServer.Build(
        [
            "--urls", $"http://127.0.0.1:{_port}", "--Candles:Silo:Simulator=true",
            $"--Candles:Silo:SiloPort={LoopbackPorts.Free()}", $"--Candles:Silo:GatewayPort={LoopbackPorts.Free()}",
            $"--Candles:Gateway:GrpcPort={LoopbackPorts.Free()}", "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
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

    /// <summary>Waits for a page condition (a JS expression), failing the test with <paramref name="what"/> after 30 s.</summary>
    private static async Task WaitForAsync(IPage page, string condition, string what)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "failed.png"), FullPage = true });
            Assert.Fail($"the page never {what}");
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
        await WaitForAsync(page, "document.querySelector('#connection-state').textContent.trim() === 'live'", "went live again after the drop");
        var updates = await EvalAsync<int>(page, "window.candlesPage.updatesReceived()");
        await WaitForAsync(page, $"window.candlesPage.updatesReceived() > {updates}", "received updates after resubscribing");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "after-reconnect.png") });
    }
}
