using Candles.Host.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Candles.Host.Tests;

/// <summary><c>Candles:Silo:IdleDeactivation</c> is how long an unused grain stays; the collector looks often enough to keep to it.</summary>
public sealed class IdleDeactivationTests
{
    private static GrainCollectionOptions Collection(params string[] settings) =>
        CandlesServer.Build(["--Candles:Silo:Simulator=false", .. settings]).Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

    [Fact]
    public void AnIdleGrainGoesAfterTheConfiguredTimeAndTheCollectorLooksFourTimesWithinIt()
    {
        var options = Collection("--Candles:Silo:IdleDeactivation=00:02:00");
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30)), (options.CollectionAge, options.CollectionQuantum));
    }

    [Fact]
    public void ByDefaultAGrainStaysFifteenMinutesAndNothingShorterThanTenSecondsIsTaken()
    {
        var defaults = Collection();
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1)), (defaults.CollectionAge, defaults.CollectionQuantum));
        Assert.Equal(TimeSpan.FromSeconds(10), Collection("--Candles:Silo:IdleDeactivation=00:00:01").CollectionAge);
    }
}
