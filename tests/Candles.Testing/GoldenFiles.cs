namespace Candles.Testing;

/// <summary>
/// The golden BTCUSDT tape and the oracle's files: <c>../shared/golden/btcusdt</c> next to the repository,
/// or the folder named by <c>CANDLES_GOLDEN_DIR</c>. Missing files fail the test; they are never skipped.
/// </summary>
public static class GoldenFiles
{
    public const string TickSize = "0.01";
    public const string QuantityStep = "0.00001";

    /// <summary>The repository root: the folder holding <c>Orleans.Candles.sln</c>.</summary>
    public static string RepositoryRoot => FindRoot();

    public static string Directory { get; } = Locate();

    public static string Tape => Path.Combine(Directory, "trades.csv.gz");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("CANDLES_GOLDEN_DIR");
        var folder = configured ?? Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "golden", "btcusdt"));
        if (!File.Exists(Path.Combine(folder, "trades.csv.gz")))
        {
            throw new InvalidOperationException($"golden files not found in {folder}; set CANDLES_GOLDEN_DIR");
        }

        return folder;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Candles.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.Candles.sln not found above " + AppContext.BaseDirectory);
    }
}
