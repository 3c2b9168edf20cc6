using Candles.Host.Cli;

return await CandlesCommandLine.Create().Parse(args).InvokeAsync();
