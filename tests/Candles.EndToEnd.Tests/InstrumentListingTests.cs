using System.Net.Http.Json;
using System.Text.Json;
using Candles.Abstractions.Grains;
using Microsoft.Extensions.DependencyInjection;

using static Candles.EndToEnd.Tests.ServiceCalls;

namespace Candles.EndToEnd.Tests;

/// <summary>
/// The instruments listing (every page load asks for it) shows a resting instrument as it was when its grain went,
/// instead of waking it: with thousands of instruments, each wake restoring a week of 1m history, it woke them all.
/// </summary>
public class InstrumentListingTests(EmbeddedServer server) : IClassFixture<EmbeddedServer>
{
    private static readonly long T0 = Ms("2026-09-08T12:00:00Z");

    private async Task<JsonElement> ListedAsync(string instrument) =>
        (await server.Http.GetFromJsonAsync<JsonElement>("api/v1/instruments")).EnumerateArray().Single(i => i.GetProperty("id").GetString() == instrument);

    [Fact]
    public async Task AListingShowsARestingInstrumentWithoutWakingItAndAnActiveOneAsItIsNow()
    {
        const string instrument = "TEST:RESTLIST";
        await DefineAsync(server.Http, instrument);
        await IngestAsync(server.Http, instrument, [(1, T0, "100.00", "1.000", "buy"), (2, T0 + 60_000, "101.00", "1.000", "sell")], flush: true);

        var client = server.Services.GetRequiredService<IClusterClient>();
        var symbol = client.GetGrain<ISymbolGrain>(instrument);
        var management = client.GetGrain<IManagementGrain>(0);
        async Task<bool> ActiveAsync() => (await management.GetActiveGrains(symbol.GetGrainId().Type)).Contains(symbol.GetGrainId());

        // Its sealers, woken by its first activation, follow its stream a moment later, which wakes it again: it is sent
        // away until it stays away.
        var gone = await Eventually.UntilAsync(
            async () =>
            {
                await symbol.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
                await Task.Delay(500);
                return !await ActiveAsync();
            },
            TimeSpan.FromSeconds(30));
        Assert.True(gone, "the instrument's grain never went");

        var resting = await ListedAsync(instrument);
        Assert.Equal((T0, T0 + 60_000), (resting.GetProperty("firstBar").GetInt64(), resting.GetProperty("lastBar").GetInt64()));
        Assert.False(await ActiveAsync(), "listing the instruments woke a resting one");

        // Active again: the listing asks it, and shows its new last bar.
        await IngestAsync(server.Http, instrument, [(3, T0 + 120_000, "102.00", "1.000", "buy")], flush: true);
        Assert.Equal(T0 + 120_000, (await ListedAsync(instrument)).GetProperty("lastBar").GetInt64());
    }
}
