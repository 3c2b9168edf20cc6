using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Candles.Benchmarks.GoldenTape).Assembly).Run(args);
