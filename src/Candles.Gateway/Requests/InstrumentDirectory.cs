using System.Collections.Concurrent;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;

namespace Candles.Gateway.Requests;

/// <summary>
/// The defined instruments as this gateway knows them, so a request for an unknown one is a 404 without
/// activating a grain (whose activation would look the id up in PostgreSQL). Grids never change once defined,
/// so a known instrument stays known; an id not known yet is looked up in the registry at most once per
/// <see cref="RefreshPeriod"/>, which bounds what a flood of made-up ids costs the cluster. Each known instrument is
/// held with its parsed grids and its grain's reference, so a request parses and resolves nothing again.
/// </summary>
public sealed class InstrumentDirectory(IGrainFactory grains, TimeProvider clock) : IDisposable
{
    /// <summary>How often an unknown id may send this gateway back to the registry.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, KnownInstrument> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _refreshedAtMs;

    /// <summary>The instrument's definition, or null if it is not defined. <paramref name="id"/> must be a valid id.</summary>
    public async ValueTask<KnownInstrument?> FindAsync(string id)
    {
        if (_known.TryGetValue(id, out var known))
        {
            return known;
        }

        await RefreshAsync(id);
        return _known.GetValueOrDefault(id);
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>An instrument this gateway just defined is known at once.</summary>
    public void Remember(InstrumentSpec spec) => _known[spec.Id] = Know(spec);

    private KnownInstrument Know(InstrumentSpec spec) => new(spec, spec.ToInstrument(), grains.GetGrain<ISymbolGrain>(spec.Id));

    private async Task RefreshAsync(string wanted)
    {
        var startedMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (startedMs - Interlocked.Read(ref _refreshedAtMs) < RefreshPeriod.TotalMilliseconds)
        {
            return;
        }

        await _refresh.WaitAsync();
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Interlocked.Read(ref _refreshedAtMs) >= startedMs)
            {
                return;
            }

            // Stamped with the start, so an instrument defined while the registry is read is looked for again.
            Interlocked.Exchange(ref _refreshedAtMs, startedMs);
            var ids = await grains.GetGrain<IInstrumentRegistryGrain>(0).List();
            foreach (var id in ids.Where(id => !_known.ContainsKey(id)))
            {
                try
                {
                    if ((await grains.GetGrain<ISymbolGrain>(id).GetStatus()).Spec is { } spec)
                    {
                        _known[spec.Id] = Know(spec);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && id != wanted)
                {
                    // Another instrument that cannot answer now is looked for again next time; this one's failure is the caller's.
                }
            }
        }
        finally
        {
            _refresh.Release();
        }
    }
}
