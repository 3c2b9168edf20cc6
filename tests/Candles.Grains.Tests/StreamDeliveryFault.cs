namespace Candles.Grains.Tests;

/// <summary>
/// Loses every stream message for the grains a test names, as a silo that leaves loses its memory stream's queue: the
/// delivery is answered without reaching the grain.
/// </summary>
public sealed class StreamDeliveryFault : IIncomingGrainCallFilter
{
    private readonly HashSet<GrainId> _deaf = [];
    private int _lost;

    /// <summary>How many deliveries were lost.</summary>
    public int Lost => Volatile.Read(ref _lost);

    public void Lose(GrainId grain)
    {
        lock (_deaf)
        {
            _deaf.Add(grain);
        }
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        bool deaf;
        lock (_deaf)
        {
            deaf = _deaf.Contains(context.TargetId);
        }

        if (deaf && context.InterfaceMethod?.DeclaringType?.Name == "IStreamConsumerExtension")
        {
            Interlocked.Increment(ref _lost);
            return Task.CompletedTask;
        }

        return context.Invoke();
    }
}
