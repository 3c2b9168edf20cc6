namespace Candles.Ingest.Feeds;

/// <summary>The venue does not list some configured symbols: a configuration error that stops start-up.</summary>
public sealed class UnknownSymbolsException(string venue, IReadOnlyCollection<string> symbols)
    : Exception($"{venue} does not list the symbol(s) {string.Join(", ", symbols)}; check Candles:Feeds:{venue}:Instruments")
{
    public IReadOnlyCollection<string> Symbols { get; } = symbols;
}
