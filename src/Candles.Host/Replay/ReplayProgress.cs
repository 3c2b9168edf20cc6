namespace Candles.Host.Replay;

/// <summary>
/// Replay's progress on the error output: a bar redrawn in place on a terminal; in a log file or a pipe a plain
/// line at most every ten seconds, so the file holds no carriage-return frames.
/// </summary>
public sealed class ReplayProgress(TextWriter output, bool terminal)
{
    private const int Width = 30;
    private static readonly TimeSpan LineEvery = TimeSpan.FromSeconds(10);
    private TimeSpan _lastLine;
    private bool _barShown;

    public void Report(long sent, long totalHint, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? sent / elapsed.TotalSeconds : 0;
        if (terminal)
        {
            var share = totalHint > 0 ? Math.Min(1.0, (double)sent / totalHint) : 0;
            var filled = (int)(share * Width);
            output.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {sent:N0} ticks, {rate:N0}/s   ");
            _barShown = true;
        }
        else if (elapsed - _lastLine >= LineEvery)
        {
            _lastLine = elapsed;
            output.WriteLine($"{sent:N0} ticks sent, {rate:N0}/s");
        }
    }

    /// <summary>A failed request that will be sent again, on a line of its own.</summary>
    public void Retrying(string request, string failure, int retry, int retries, TimeSpan delay)
    {
        EndBar();
        output.WriteLine($"{request}: {failure}; retry {retry} of {retries} in {delay.TotalSeconds:F1} s");
    }

    public void Done() => EndBar();

    private void EndBar()
    {
        if (_barShown)
        {
            output.WriteLine();
            _barShown = false;
        }
    }
}
