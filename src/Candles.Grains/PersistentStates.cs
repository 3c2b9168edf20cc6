namespace Candles.Grains;

internal static class PersistentStates
{
    /// <summary>
    /// Makes a change to the state and writes it; if the write fails, the change is undone, so the activation never acts
    /// on what storage does not hold, and the caller's retry makes it again.
    /// </summary>
    public static async Task WriteChangeAsync<T>(this IPersistentState<T> state, Action<T> change, Action<T> undo)
    {
        change(state.State);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            undo(state.State);
            throw;
        }
    }
}
