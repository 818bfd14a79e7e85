using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Storage.Catalog.Migrations
{
    /// <inheritdoc />
    public partial class ServicePaths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Paths",
                table: "Services",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Paths",
                table: "Services");
        }
    }
}
