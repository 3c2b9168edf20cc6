using System.Collections.Concurrent;

namespace Candles.Grains.Tests;

/// <summary>Makes calls of one method to one grain fail, or answer late, as a test asks: a sealer on a silo that went away or hangs.</summary>
public sealed class GrainCallFault : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Method), (int Failures, TimeSpan Delay)> _faults = new();
    private readonly ConcurrentDictionary<(GrainId Grain, string Method), int> _calls = new();
    private readonly ConcurrentDictionary<(GrainId Grain, string Method), int> _answered = new();

    /// <summary>The next <paramref name="times"/> calls throw.</summary>
    public void Fail(GrainId grain, string method, int times) => _faults[(grain, method)] = (times, TimeSpan.Zero);

    /// <summary>Every call waits <paramref name="delay"/> before the grain takes it.</summary>
    public void Delay(GrainId grain, string method, TimeSpan delay) => _faults[(grain, method)] = (0, delay);

    /// <summary>How many calls came, failed or not.</summary>
    public int Calls(GrainId grain, string method) => _calls.GetValueOrDefault((grain, method));

    /// <summary>How many calls the grain answered: what they did is done.</summary>
    public int Answered(GrainId grain, string method) => _answered.GetValueOrDefault((grain, method));

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var key = (context.TargetId, context.InterfaceMethod?.Name ?? string.Empty);
        if (_faults.TryGetValue(key, out var fault))
        {
            _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (fault.Failures > 0)
            {
                _faults[key] = fault with { Failures = fault.Failures - 1 };
                throw new TimeoutException($"injected: {key.Item2} to {context.TargetId} did not answer");
            }

            await Task.Delay(fault.Delay);
            await context.Invoke();
            _answered.AddOrUpdate(key, 1, (_, n) => n + 1);
            return;
        }

        await context.Invoke();
    }
}
