using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Analytics.Storage.Catalog.Migrations
{
    /// <inheritdoc />
    public partial class EnvironmentRulesAsRegularExpressions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rules were SQL LIKE patterns; they become regular expressions meaning the same names: regex
            // metacharacters escaped, then % → .* and _ → . (LIKE's wildcards). Matching now ignores case, which is
            // the point of the change (Production, PROD). The two defaults are replaced below.
            var escaped = "\"Pattern\"";
            foreach (var metacharacter in new[] { "\\", ".", "^", "$", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}" })
            {
                escaped = $"replace({escaped}, '{metacharacter}', '\\{metacharacter}')";
            }
            migrationBuilder.Sql($"UPDATE \"EnvironmentRules\" SET \"Pattern\" = replace(replace({escaped}, '%', '.*'), '_', '.') WHERE \"Id\" NOT IN (1, 2);");

            migrationBuilder.UpdateData(
                table: "EnvironmentRules",
                keyColumn: "Id",
                keyValue: 1,
                column: "Pattern",
                value: "(.*[^a-z0-9])?(prod|production|prd)([^a-z0-9].*)?");

            migrationBuilder.UpdateData(
                table: "EnvironmentRules",
                keyColumn: "Id",
                keyValue: 2,
                columns: new[] { "IsProduction", "Pattern" },
                values: new object[] { false, "(.*[^a-z0-9])?(pre|non|not)[-_. ]?(prod|production|prd)([^a-z0-9].*)?" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "EnvironmentRules",
                keyColumn: "Id",
                keyValue: 1,
                column: "Pattern",
                value: "production");

            migrationBuilder.UpdateData(
                table: "EnvironmentRules",
                keyColumn: "Id",
                keyValue: 2,
                columns: new[] { "IsProduction", "Pattern" },
                values: new object[] { true, "prod" });
        }
    }
}
