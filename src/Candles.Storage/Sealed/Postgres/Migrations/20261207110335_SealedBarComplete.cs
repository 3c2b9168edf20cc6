using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Candles.Storage.Sealed.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SealedBarComplete : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "complete",
                table: "sealed_bars",
                type: "boolean",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "complete",
                table: "sealed_bars");
        }
    }
}
