using Candles.Abstractions.Grains;

namespace Candles.Grains.Tests;

/// <summary>Fails the next call listing an instrument in the registry once armed: a define that stored its definition but was not listed.</summary>
public sealed class RegistryAddFault : IIncomingGrainCallFilter
{
    private int _armed;

    public void FailNext() => Interlocked.Exchange(ref _armed, 1);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IInstrumentRegistryGrain)
            && context.InterfaceMethod.Name == nameof(IInstrumentRegistryGrain.Add)
            && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            throw new TimeoutException("injected: the registry did not answer");
        }

        return context.Invoke();
    }
}
