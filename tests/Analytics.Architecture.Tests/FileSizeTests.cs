namespace Analytics.Architecture.Tests;

/// <summary>
/// Product files stay small enough to read in one sitting: over 400 lines, a file says at its top why
/// (a line starting `// Long:`), so a long file is a decision, not an accident. Generated migrations are exempt.
/// </summary>
public sealed class FileSizeTests
{
    private const int MaximumLines = 400;

    [Fact]
    public void No_product_file_is_longer_than_400_lines_without_a_reason_at_its_top()
    {
        var tooLong = Repository.Projects.Where(project => project.IsProduct)
            .SelectMany(project => FolderGraph.SourceFiles(project.Directory))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Contains("Migrations"))
            .Select(file => (File: Path.GetRelativePath(Repository.Root, file), Lines: File.ReadAllLines(file)))
            .Where(file => file.Lines.Length > MaximumLines && !file.Lines.Take(15).Any(line => line.TrimStart().StartsWith("// Long:", StringComparison.Ordinal)))
            .Select(file => $"{file.File} ({file.Lines.Length} lines)")
            .ToList();
        Assert.True(tooLong.Count == 0, $"Over {MaximumLines} lines without a `// Long:` reason at the top: {string.Join(", ", tooLong)}");
    }
}
