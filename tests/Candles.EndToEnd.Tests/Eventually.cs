namespace Candles.EndToEnd.Tests;

/// <summary>Waiting for a running service to reach a state, polled, bounded in time.</summary>
internal static class Eventually
{
    /// <summary>True as soon as <paramref name="condition"/> holds; its last answer once <paramref name="within"/> has passed.</summary>
    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan within) => UntilAsync(() => Task.FromResult(condition()), within);

    /// <summary>True as soon as <paramref name="condition"/> holds; its last answer once <paramref name="within"/> has passed.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }
}
