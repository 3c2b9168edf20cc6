using Candles.Host.Cli;

return await CandlesCommandLine.For(args).Parse(args).InvokeAsync();
