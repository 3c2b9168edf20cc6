using System;
using System.Numerics;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Candles.Storage.Sealed.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InitialSealedBars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "instruments",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(65)", maxLength: 65, nullable: false),
                    tick_size = table.Column<decimal>(type: "numeric", nullable: false),
                    qty_step = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_instruments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sealed_bars",
                columns: table => new
                {
                    instrument = table.Column<string>(type: "character varying(65)", maxLength: 65, nullable: false),
                    timeframe = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    open_time = table.Column<long>(type: "bigint", nullable: false),
                    end_time = table.Column<long>(type: "bigint", nullable: false),
                    open = table.Column<long>(type: "bigint", nullable: false),
                    high = table.Column<long>(type: "bigint", nullable: false),
                    low = table.Column<long>(type: "bigint", nullable: false),
                    close = table.Column<long>(type: "bigint", nullable: false),
                    buy_volume = table.Column<BigInteger>(type: "numeric(39,0)", nullable: false),
                    sell_volume = table.Column<BigInteger>(type: "numeric(39,0)", nullable: false),
                    quote_volume = table.Column<BigInteger>(type: "numeric(39,0)", nullable: false),
                    trades = table.Column<long>(type: "bigint", nullable: false),
                    first_trade_id = table.Column<long>(type: "bigint", nullable: false),
                    first_trade_time_us = table.Column<long>(type: "bigint", nullable: false),
                    last_trade_id = table.Column<long>(type: "bigint", nullable: false),
                    last_trade_time_us = table.Column<long>(type: "bigint", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    footprint_step = table.Column<long>(type: "bigint", nullable: false),
                    sealed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sealed_bars", x => new { x.instrument, x.timeframe, x.zone, x.open_time });
                });

            migrationBuilder.CreateTable(
                name: "sealed_levels",
                columns: table => new
                {
                    instrument = table.Column<string>(type: "character varying(65)", maxLength: 65, nullable: false),
                    timeframe = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    open_time = table.Column<long>(type: "bigint", nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    buy_volume = table.Column<BigInteger>(type: "numeric(39,0)", nullable: false),
                    sell_volume = table.Column<BigInteger>(type: "numeric(39,0)", nullable: false),
                    trades = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sealed_levels", x => new { x.instrument, x.timeframe, x.zone, x.open_time, x.price });
                    table.ForeignKey(
                        name: "FK_sealed_levels_sealed_bars_instrument_timeframe_zone_open_ti~",
                        columns: x => new { x.instrument, x.timeframe, x.zone, x.open_time },
                        principalTable: "sealed_bars",
                        principalColumns: new[] { "instrument", "timeframe", "zone", "open_time" },
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "instruments");

            migrationBuilder.DropTable(
                name: "sealed_levels");

            migrationBuilder.DropTable(
                name: "sealed_bars");
        }
    }
}
