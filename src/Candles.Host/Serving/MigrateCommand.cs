using System.CommandLine;
using Candles.Storage.Sealed.Hosting;

namespace Candles.Host.Serving;

/// <summary><c>migrate [--postgres CONNECTION]</c>: brings the PostgreSQL schema of sealed bars up to date.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string (default: Candles__Postgres from the environment)" };
        var command = new Command("migrate", "Apply the database migrations of the sealed-bar store (also done at every start in cluster mode).") { postgres };
        command.SetAction(async (parse, cancellation) =>
        {
            var connection = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("Candles__Postgres");
            if (string.IsNullOrWhiteSpace(connection))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--postgres or Candles__Postgres must give the PostgreSQL connection string");
                return Cli.CandlesCommandLine.BadInput;
            }

            await using var services = new ServiceCollection().AddPostgresSealedBarStore(connection).BuildServiceProvider();
            try
            {
                await services.MigrateSealedBarStoreAsync(cancellation);
            }
            catch (Npgsql.NpgsqlException failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"cannot migrate: {failure.Message}");
                return 1;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync("sealed-bar schema is up to date");
            return 0;
        });
        return command;
    }
}
