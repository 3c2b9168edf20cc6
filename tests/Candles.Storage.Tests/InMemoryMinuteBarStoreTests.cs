using Candles.Storage.MinuteBars;

namespace Candles.Storage.Tests;

public class InMemoryMinuteBarStoreTests : MinuteBarStoreContract
{
    protected override IMinuteBarStore Store { get; } = new InMemoryMinuteBarStore();
}
