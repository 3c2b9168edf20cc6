using Candles.Grains.Options;

namespace Candles.Grains.Tests;

public class SealOptionsTests
{
    [Fact]
    public void ZonesAreSealedUnderTheCanonicalNameRequestsUse()
    {
        // A timeframe grain serves sealed bars when the request's zone (always canonical) is among the sealed zones, and
        // the sealer writes under the same name: an alias in the settings must not leave them apart.
        var options = new SealOptions { Zones = ["US/Eastern", "America/New_York", "UTC", "Asia/Tokyo", "Not/AZone"] };
        Assert.Equal(["UTC", "America/New_York", "Asia/Tokyo", "Not/AZone"], options.AllZones);
    }
}
