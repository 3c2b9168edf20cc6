using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Candles.Storage.Sealed.Postgres;

/// <summary>The PostgreSQL schema of sealed bars: <c>instruments</c>, <c>sealed_bars</c>, <c>sealed_levels</c>.</summary>
public sealed class CandlesDbContext(DbContextOptions<CandlesDbContext> options) : DbContext(options)
{
    public DbSet<SealedBarRow> SealedBars => Set<SealedBarRow>();

    public DbSet<SealedLevelRow> SealedLevels => Set<SealedLevelRow>();

    public DbSet<InstrumentRow> Instruments => Set<InstrumentRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<Int128>().HaveConversion<Int128ToBigInteger>().HaveColumnType("numeric(39,0)");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InstrumentRow>(e =>
        {
            e.ToTable("instruments");
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasColumnName("id").HasMaxLength(65);
            e.Property(i => i.TickSize).HasColumnName("tick_size").HasColumnType("numeric");
            e.Property(i => i.QuantityStep).HasColumnName("qty_step").HasColumnType("numeric");
        });

        modelBuilder.Entity<SealedBarRow>(e =>
        {
            e.ToTable("sealed_bars");
            e.HasKey(b => new { b.Instrument, b.Timeframe, b.Zone, b.OpenTime });
            e.Property(b => b.Instrument).HasColumnName("instrument").HasMaxLength(65);
            e.Property(b => b.Timeframe).HasColumnName("timeframe").HasMaxLength(8);
            e.Property(b => b.Zone).HasColumnName("zone").HasMaxLength(64);
            e.Property(b => b.OpenTime).HasColumnName("open_time");
            e.Property(b => b.EndTime).HasColumnName("end_time");
            e.Property(b => b.Open).HasColumnName("open");
            e.Property(b => b.High).HasColumnName("high");
            e.Property(b => b.Low).HasColumnName("low");
            e.Property(b => b.Close).HasColumnName("close");
            e.Property(b => b.BuyVolume).HasColumnName("buy_volume");
            e.Property(b => b.SellVolume).HasColumnName("sell_volume");
            e.Property(b => b.QuoteVolume).HasColumnName("quote_volume");
            e.Property(b => b.Trades).HasColumnName("trades");
            e.Property(b => b.FirstTradeId).HasColumnName("first_trade_id");
            e.Property(b => b.FirstTradeTimeUs).HasColumnName("first_trade_time_us");
            e.Property(b => b.LastTradeId).HasColumnName("last_trade_id");
            e.Property(b => b.LastTradeTimeUs).HasColumnName("last_trade_time_us");
            e.Property(b => b.Revision).HasColumnName("revision");
            e.Property(b => b.FootprintStep).HasColumnName("footprint_step");
            // Rows sealed before the column are taken as complete, as they were served. Always written, never left to the
            // default: EF would take a false for "not set".
            e.Property(b => b.Complete).HasColumnName("complete").HasDefaultValue(true).ValueGeneratedNever();
            e.Property(b => b.SealedAt).HasColumnName("sealed_at");
            e.HasMany(b => b.Levels).WithOne().HasForeignKey(l => new { l.Instrument, l.Timeframe, l.Zone, l.OpenTime }).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SealedLevelRow>(e =>
        {
            e.ToTable("sealed_levels");
            e.HasKey(l => new { l.Instrument, l.Timeframe, l.Zone, l.OpenTime, l.Price });
            e.Property(l => l.Instrument).HasColumnName("instrument").HasMaxLength(65);
            e.Property(l => l.Timeframe).HasColumnName("timeframe").HasMaxLength(8);
            e.Property(l => l.Zone).HasColumnName("zone").HasMaxLength(64);
            e.Property(l => l.OpenTime).HasColumnName("open_time");
            e.Property(l => l.Price).HasColumnName("price");
            e.Property(l => l.BuyVolume).HasColumnName("buy_volume");
            e.Property(l => l.SellVolume).HasColumnName("sell_volume");
            e.Property(l => l.Trades).HasColumnName("trades");
        });
    }

    /// <summary>Exact: Int128 volumes travel as arbitrary-precision <c>numeric</c>.</summary>
    private sealed class Int128ToBigInteger() : ValueConverter<Int128, BigInteger>(v => (BigInteger)v, v => (Int128)v);
}
