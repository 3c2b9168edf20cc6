using Candles.Gateway.Udf;

namespace Candles.Gateway.Tests;

public class UdfResolutionTests
{
    [Theory]
    [InlineData("1", "1m")]
    [InlineData("5", "5m")]
    [InlineData("90", "90m")]
    [InlineData("60", "1h")]
    [InlineData("240", "4h")]
    [InlineData("720", "12h")]
    [InlineData("1440", "1d")]
    [InlineData("D", "1d")]
    [InlineData("1D", "1d")]
    [InlineData("W", "1w")]
    [InlineData("1M", "1M")]
    public void AResolutionIsTheTimeframeRestAndTheLiveProtocolUseForIt(string resolution, string timeframe)
    {
        Assert.True(UdfResolution.TryParse(resolution, out var parsed, out var error), error);
        Assert.Equal(timeframe, parsed.Name);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1441")]
    [InlineData("2D")]
    [InlineData("1S")]
    [InlineData("")]
    [InlineData(null)]
    public void OtherResolutionsAreRefusedSayingWhatIsServed(string? resolution)
    {
        Assert.False(UdfResolution.TryParse(resolution, out _, out var error));
        Assert.Contains("1D, 1W or 1M", error);
    }
}
