using Candles.Core.Building;
using FsCheck.Xunit;

namespace Candles.Core.Tests;

public class TradeIdSetTests
{
    [Fact]
    public void ATradeIdInsideAMergedRangeIsADuplicate()
    {
        var set = SetOf(1, 2, 4, 5);
        Assert.Equal([(1L, 2L), (4L, 5L)], set.Ranges);
        set.Add(3);
        Assert.Equal([(1L, 5L)], set.Ranges);
        Assert.All(new long[] { 1, 2, 3, 4, 5 }, id => Assert.True(set.Contains(id)));
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(6));
    }

    [Fact]
    public void ALateIdNextToARangeExtendsItInsteadOfAddingOne()
    {
        var set = SetOf(10, 20, 30);
        set.Add(11);
        set.Add(19);
        set.Add(29);
        set.Add(15);
        Assert.Equal([(10L, 11L), (15L, 15L), (19L, 20L), (29L, 30L)], set.Ranges);
        Assert.Equal(4, set.RangeCount);
    }

    [Fact]
    public void AnEmptySetHoldsNoId()
    {
        var set = new TradeIdSet();
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(long.MinValue));
        Assert.Empty(set.Ranges);
    }

    [Fact]
    public void ForgettingDropsOldRangesButAlwaysKeepsTheNewest()
    {
        var set = SetOf(1, 2, 5, 6, 9);
        set.ForgetBelow(6);
        Assert.Equal([(5L, 6L), (9L, 9L)], set.Ranges);
        set.ForgetBelow(100);
        Assert.Equal([(9L, 9L)], set.Ranges);
        Assert.True(set.Contains(9));
        Assert.False(set.Contains(5));
    }

    [Fact]
    public void IdsSharedWithOtherInstrumentsKeepTheSetBoundedAndEveryIdTakenStaysTaken()
    {
        // Every third id is this instrument's, as when a venue numbers the trades of all its symbols together.
        var set = new TradeIdSet();
        var ids = Enumerable.Range(0, 100_000).Select(i => 3L * i).ToList();
        foreach (var id in ids)
        {
            set.Add(id);
        }

        Assert.InRange(set.RangeCount, TradeIdSet.MaxRanges / 2, TradeIdSet.MaxRanges);
        Assert.All(ids, id => Assert.True(set.Contains(id)));

        // The newest holes are still told apart: a late trade there is taken, and ids above the newest are new.
        Assert.False(set.Contains(ids[^1] - 1));
        Assert.False(set.Contains(ids[^(TradeIdSet.MaxRanges / 4)] + 1));
        Assert.False(set.Contains(ids[^1] + 1));

        // A checkpoint of an earlier version holding more ranges is bounded as it is restored.
        var restored = TradeIdSet.From(ids.Select(id => (id, id)));
        Assert.InRange(restored.RangeCount, 1, TradeIdSet.MaxRanges);
        Assert.All(ids, id => Assert.True(restored.Contains(id)));
    }

    [Fact]
    public void ASetRestoredFromItsRangesHoldsTheSameIds()
    {
        var original = SetOf(3, 4, 7, 12, 13, 14);
        var restored = TradeIdSet.From(original.Ranges);
        Assert.Equal(original.Ranges, restored.Ranges);
        Assert.All(Enumerable.Range(0, 20), id => Assert.Equal(original.Contains(id), restored.Contains(id)));
    }

    [Fact]
    public void RestoringASingleIdRangeIsAccepted() =>
        Assert.Equal([(5L, 5L), (7L, 9L)], TradeIdSet.From([(5, 5), (7, 9)]).Ranges);

    [Theory]
    [InlineData(5, 3, 7, 9)]
    [InlineData(1, 5, 5, 9)]
    [InlineData(7, 9, 1, 5)]
    [InlineData(1, 5, 3, 4)]
    public void RestoringRangesThatAreReversedOverlappingOrOutOfOrderIsRefused(long low1, long high1, long low2, long high2)
    {
        var error = Assert.Throws<ArgumentException>(() => TradeIdSet.From([(low1, high1), (low2, high2)]));
        Assert.Contains("ascending and disjoint", error.Message, StringComparison.Ordinal);
    }

    private static TradeIdSet SetOf(params long[] ids)
    {
        var set = new TradeIdSet();
        foreach (var id in ids)
        {
            set.Add(id);
        }

        return set;
    }
}

/// <summary>The range set against the plainest model of a set of ids: a sorted set of longs.</summary>
public class TradeIdSetProperties
{
    private const int Domain = 48;

    /// <summary>
    /// Adds (in any order, each id once) and forgets, on a small id range so gaps open and fill often: after every
    /// step the set holds exactly the model's ids, as the fewest ranges (adjacent ids always merged).
    /// </summary>
    [Property(MaxTest = 300, EndSize = 200)]
    public void TheSetHoldsExactlyTheIdsAddedAndNotForgottenAsMaximalRanges(List<(byte Op, byte Id)> operations)
    {
        var set = new TradeIdSet();
        var model = new SortedSet<long>();
        foreach (var (op, rawId) in operations)
        {
            long id = rawId % Domain;
            if (op < 16)
            {
                set.ForgetBelow(id);
                ForgetBelow(model, id);
            }
            else if (model.Add(id))
            {
                set.Add(id);
            }

            var runs = Runs(model);
            if (!runs.SequenceEqual(set.Ranges) || runs.Count != set.RangeCount)
            {
                Assert.Equal(runs, set.Ranges);
                Assert.Equal(runs.Count, set.RangeCount);
            }

            for (long probe = -1; probe <= Domain; probe++)
            {
                if (model.Contains(probe) != set.Contains(probe))
                {
                    Assert.Fail($"after {set.Ranges.Count} ranges [{string.Join(' ', set.Ranges)}], Contains({probe}) should be {model.Contains(probe)}");
                }
            }
        }
    }

    /// <summary>Every set survives a trip through its ranges, as a checkpoint takes it.</summary>
    [Property(MaxTest = 200)]
    public bool ASetRebuiltFromItsRangesEqualsTheOriginal(byte[] added)
    {
        var ids = added.ToHashSet();
        var set = new TradeIdSet();
        foreach (var id in ids)
        {
            set.Add(id);
        }

        var restored = TradeIdSet.From(set.Ranges);
        return restored.Ranges.SequenceEqual(set.Ranges)
            && Enumerable.Range(-1, 258).All(id => restored.Contains(id) == (id is >= 0 and <= 255 && ids.Contains((byte)id)));
    }

    /// <summary>The model of <see cref="TradeIdSet.ForgetBelow"/>: runs ending below the id go, except the newest run.</summary>
    private static void ForgetBelow(SortedSet<long> model, long id)
    {
        var runs = Runs(model);
        foreach (var (low, high) in runs.Take(runs.Count - 1).Where(run => run.High < id))
        {
            for (var forgotten = low; forgotten <= high; forgotten++)
            {
                model.Remove(forgotten);
            }
        }
    }

    private static List<(long Low, long High)> Runs(SortedSet<long> ids)
    {
        var runs = new List<(long Low, long High)>();
        foreach (var id in ids)
        {
            if (runs.Count > 0 && runs[^1].High == id - 1)
            {
                runs[^1] = (runs[^1].Low, id);
            }
            else
            {
                runs.Add((id, id));
            }
        }

        return runs;
    }
}
