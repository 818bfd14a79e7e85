using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Storage.Catalog.Migrations
{
    /// <inheritdoc />
    public partial class IngestRunHolderAndPublishing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "HolderHost",
                table: "IngestRuns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "HolderProcessId",
                table: "IngestRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "HolderProcessStartedAt",
                table: "IngestRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishingTables",
                table: "IngestRuns",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HolderHost",
                table: "IngestRuns");

            migrationBuilder.DropColumn(
                name: "HolderProcessId",
                table: "IngestRuns");

            migrationBuilder.DropColumn(
                name: "HolderProcessStartedAt",
                table: "IngestRuns");

            migrationBuilder.DropColumn(
                name: "PublishingTables",
                table: "IngestRuns");
        }
    }
}
