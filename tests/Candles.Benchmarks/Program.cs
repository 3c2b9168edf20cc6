using BenchmarkDotNet.Running;

if (args is ["retained"])
{
    Candles.Benchmarks.RetainedMemory.Report();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Candles.Benchmarks.GoldenTape).Assembly).Run(args);
