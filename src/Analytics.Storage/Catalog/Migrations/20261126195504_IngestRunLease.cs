using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Storage.Catalog.Migrations
{
    /// <inheritdoc />
    public partial class IngestRunLease : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LeaseExpiresAt",
                table: "IngestRuns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IngestRuns_SourceId_Leased",
                table: "IngestRuns",
                column: "SourceId",
                unique: true,
                filter: "\"Status\" = 'Running' AND \"LeaseExpiresAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IngestRuns_SourceId_Leased",
                table: "IngestRuns");

            migrationBuilder.DropColumn(
                name: "LeaseExpiresAt",
                table: "IngestRuns");
        }
    }
}
