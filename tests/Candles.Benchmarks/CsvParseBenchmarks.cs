using BenchmarkDotNet.Attributes;
using Candles.Ingest.Replay;

namespace Candles.Benchmarks;

/// <summary>Reading the golden tape's 466,265 lines (31 MB plain, 8.8 MB gzip) from memory; per line.</summary>
[MemoryDiagnoser]
public class CsvParseBenchmarks
{
    [GlobalSetup]
    public void Setup() => _ = GoldenTape.Csv;

    [Benchmark(OperationsPerInvoke = 466_265)]
    public long PlainCsv() => Read(GoldenTape.Csv);

    [Benchmark(OperationsPerInvoke = 466_265)]
    public long GzipCsv() => Read(GoldenTape.Gzip);

    private static long Read(byte[] bytes)
    {
        using var reader = new BinanceTradeCsvReader(new MemoryStream(bytes), GoldenTape.Btc);
        long sum = 0;
        while (reader.TryRead(out var tick))
        {
            sum += tick.Quantity;
        }

        return sum;
    }
}
