using Microsoft.Extensions.DependencyInjection;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// The tight gateway (<see cref="TightGateway.Settings"/>) with one grain call filter a test drives: a fault, a gate or
/// a trap, registered as an incoming or an outgoing filter by what it is.
/// </summary>
public abstract class FilteredGateway<TFilter> : RunningService
    where TFilter : class, new()
{
    protected FilteredGateway(params string[] settings)
        : base([.. TightGateway.Settings, .. settings]) =>
        ExtraServices = services =>
        {
            if (Filter is IIncomingGrainCallFilter incoming)
            {
                services.AddSingleton(incoming);
            }

            if (Filter is IOutgoingGrainCallFilter outgoing)
            {
                services.AddSingleton(outgoing);
            }
        };

    public TFilter Filter { get; } = new();
}
