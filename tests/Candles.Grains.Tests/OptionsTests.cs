using Candles.Grains.Options;

namespace Candles.Grains.Tests;

public class OptionsTests
{
    [Fact]
    public void TheDefaultsAreValid() =>
        Assert.True(new SymbolGrainOptionsValidator().Validate(null, new SymbolGrainOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(SymbolGrainOptions.Grace))]
    [InlineData(nameof(SymbolGrainOptions.ScanPeriod))]
    [InlineData(nameof(SymbolGrainOptions.UpdatePeriod))]
    [InlineData(nameof(SymbolGrainOptions.Retention))]
    public void ASettingOutOfRangeIsRefusedByName(string setting)
    {
        var options = new SymbolGrainOptions();
        _ = setting switch
        {
            nameof(SymbolGrainOptions.Grace) => options.Grace = TimeSpan.FromMinutes(6),
            nameof(SymbolGrainOptions.ScanPeriod) => options.ScanPeriod = TimeSpan.FromMilliseconds(1),
            nameof(SymbolGrainOptions.UpdatePeriod) => options.UpdatePeriod = TimeSpan.Zero,
            _ => options.Retention = TimeSpan.FromMinutes(5),
        };

        var result = new SymbolGrainOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Equal($"{SymbolGrainOptions.Section}:{setting}", Assert.Single(result.Failures!).Split(' ')[0]);
    }
}
