using System.Globalization;
using Xunit;

namespace Candles.Testing;

/// <summary>Compares CSV tables cell by cell, decimals as numbers ("0" equals "0.00000"), everything else as text.</summary>
public static class CsvAssert
{
    public static void Equal(string expectedPath, string actualPath) =>
        Equal(File.ReadAllLines(expectedPath), File.ReadAllLines(actualPath), Path.GetFileName(expectedPath));

    public static void Equal(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string what)
    {
        Assert.True(expected.Count > 1, $"{what}: the expected table has no rows");
        Assert.Equal(expected[0], actual.Count > 0 ? actual[0] : "<empty>");
        for (var row = 1; row < Math.Min(expected.Count, actual.Count); row++)
        {
            var want = expected[row].Split(',');
            var got = actual[row].Split(',');
            Assert.True(want.Length == got.Length, $"{what} row {row}: {want.Length} columns expected, {got.Length} found: {actual[row]}");
            for (var column = 0; column < want.Length; column++)
            {
                Assert.True(
                    CellsEqual(want[column], got[column]),
                    $"{what} row {row} column {expected[0].Split(',')[column]}: expected {want[column]}, got {got[column]}\n  expected row: {expected[row]}\n  actual row:   {actual[row]}");
            }
        }

        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count - 1} rows expected, {actual.Count - 1} found");
    }

    /// <summary>The tables hold the same rows, cells compared as <see cref="Equal(IReadOnlyList{string}, IReadOnlyList{string}, string)"/> does (numbers by value).</summary>
    public static bool Same(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        expected.Count == actual.Count && expected.Zip(actual).All(rows => RowsEqual(rows.First, rows.Second));

    /// <summary>One row each, cells compared by value where both are numbers.</summary>
    public static bool RowsEqual(string expected, string actual)
    {
        var (want, got) = (expected.Split(','), actual.Split(','));
        return want.Length == got.Length && want.Zip(got).All(cells => CellsEqual(cells.First, cells.Second));
    }

    private static bool CellsEqual(string expected, string actual) =>
        decimal.TryParse(expected, NumberStyles.Number, CultureInfo.InvariantCulture, out var a)
        && decimal.TryParse(actual, NumberStyles.Number, CultureInfo.InvariantCulture, out var b)
            ? a == b
            : expected == actual;
}
