using Candles.Ingest.Feeds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds;

/// <summary>
/// At start-up, asks each configured venue for its instruments' grids: a symbol the venue does not list stops
/// start-up with a message naming it. A venue that cannot be reached is not a configuration error: the
/// connectors keep trying.
/// </summary>
internal sealed partial class FeedStartupCheck(IHttpClientFactory http, IOptions<FeedOptions> options, ILogger<FeedStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (venue, venueOptions) in options.Value.Configured)
        {
            var symbols = venueOptions.Symbols.Select(s => venue.NormalizeSymbol(s)!).ToList();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await venue.GetInstrumentsAsync(http.CreateClient(FeedConnectors.HttpClientName(venue)), symbols, timeout.Token);
            }
            catch (UnknownSymbolsException ex)
            {
                LogUnknown(logger, ex.Message);
                throw;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex, venue.Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Message}")]
    private static partial void LogUnknown(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the instruments of {Venue} at start-up; its connectors keep trying")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string venue);
}
