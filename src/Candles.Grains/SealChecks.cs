namespace Candles.Grains;

/// <summary>
/// A sealer's check reminder, and when it is next due: null while none is registered (it is dropped while nothing is
/// left to seal), the latest time possible when one is but this activation did not register it.
/// </summary>
internal sealed class SealChecks(IGrainBase grain, TimeProvider clock, TimeSpan period)
{
    private const string ReminderName = "seal-check";

    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>How often a registered check comes back.</summary>
    public TimeSpan Period => period;

    /// <summary>Whether an earlier activation left a check registered; when it is due is not known then.</summary>
    public async Task<bool> FindAsync(CancellationToken cancellation)
    {
        DueAt = await grain.GetReminder(ReminderName, cancellation) is null ? null : DateTimeOffset.MaxValue;
        return DueAt is not null;
    }

    public async Task RegisterAsync(TimeSpan due, CancellationToken cancellation = default)
    {
        await grain.RegisterOrUpdateReminder(ReminderName, due, period, cancellation);
        DueAt = clock.GetUtcNow() + due;
    }

    /// <summary>A check within a period; one already that close is not put off (registering again moves it back).</summary>
    public Task SoonAsync() => DueAt <= clock.GetUtcNow() + period ? Task.CompletedTask : RegisterAsync(period);

    /// <summary>The check came: the next is a period away.</summary>
    public void Came() => DueAt = clock.GetUtcNow() + period;

    public Task<IGrainReminder?> GetAsync() => grain.GetReminder(ReminderName);

    public async Task StopAsync(IGrainReminder reminder)
    {
        await grain.UnregisterReminder(reminder);
        DueAt = null;
    }

    /// <summary>How long until a period past <paramref name="endMs"/>, when the instrument's grain has closed the period by the clock; at least a period.</summary>
    public TimeSpan DueAfter(long endMs)
    {
        var untilEnd = TimeSpan.FromMilliseconds(endMs - clock.GetUtcNow().ToUnixTimeMilliseconds());
        return untilEnd > TimeSpan.Zero ? untilEnd + period : period;
    }
}
