namespace Candles.Testing;

/// <summary>
/// One golden file and what it holds, read from its name: <c>candles_&lt;tf&gt;_&lt;zone&gt;.csv</c>,
/// <c>footprint_&lt;tf&gt;_&lt;zone&gt;_&lt;step|tick&gt;.csv</c> or <c>profile_&lt;tf&gt;_&lt;zone&gt;_&lt;step|tick&gt;.csv</c>.
/// </summary>
public sealed record GoldenCase(string FileName, string Kind, string Timeframe, string Zone, string? Step)
{
    /// <summary>Every golden output file (all but the tape), as xunit theory data.</summary>
    public static TheoryDataOf All() => [.. FileNames()];

    /// <summary>The golden output files' names, ordered.</summary>
    public static IEnumerable<string> FileNames() =>
        System.IO.Directory.GetFiles(GoldenFiles.Directory, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static GoldenCase Parse(string fileName)
    {
        var parts = Path.GetFileNameWithoutExtension(fileName).Split('_', 3);
        var kind = parts[0];
        var rest = parts[2];
        string? step = null;
        if (kind != "candles")
        {
            var last = rest.LastIndexOf('_');
            step = rest[(last + 1)..];
            rest = rest[..last];
        }

        // File names write a zone's '/' as '-': America-New_York is America/New_York.
        var zone = rest == "UTC" ? rest : rest[..rest.IndexOf('-', StringComparison.Ordinal)] + "/" + rest[(rest.IndexOf('-', StringComparison.Ordinal) + 1)..];
        return new GoldenCase(fileName, kind, parts[1], zone, step == "tick" ? null : step);
    }
}

public sealed class TheoryDataOf : Xunit.TheoryData<string>;
