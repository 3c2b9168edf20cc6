using Candles.Host.Replay;

namespace Candles.Host.Tests;

public class ReplayProgressTests
{
    [Fact]
    public void OnATerminalTheBarIsRedrawnInPlaceAndEndedWithANewLine()
    {
        var output = new StringWriter();
        var progress = new ReplayProgress(output, terminal: true);

        progress.Report(500, 1000, TimeSpan.FromSeconds(1));
        progress.Report(1000, 1000, TimeSpan.FromSeconds(2));
        progress.Done();

        Assert.Equal(
            "\r[###############...............] 500 ticks, 500/s   \r[##############################] 1,000 ticks, 500/s   " + Environment.NewLine,
            output.ToString());
    }

    [Fact]
    public void InALogProgressIsAPlainLineAtMostEveryTenSeconds()
    {
        var output = new StringWriter();
        var progress = new ReplayProgress(output, terminal: false);

        for (var second = 1; second <= 25; second++)
        {
            progress.Report(second * 100, 2500, TimeSpan.FromSeconds(second));
        }

        progress.Done();

        Assert.Equal($"1,000 ticks sent, 100/s{Environment.NewLine}2,000 ticks sent, 100/s{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void ARetryNoticeStartsOnALineOfItsOwn()
    {
        var output = new StringWriter();
        var progress = new ReplayProgress(output, terminal: true);

        progress.Report(10, 100, TimeSpan.FromSeconds(1));
        progress.Retrying("ingest after 10 ticks", "503 Service Unavailable", 1, 10, TimeSpan.FromMilliseconds(300));

        Assert.EndsWith($"/s   {Environment.NewLine}ingest after 10 ticks: 503 Service Unavailable; retry 1 of 10 in 0.3 s{Environment.NewLine}", output.ToString());
    }
}
