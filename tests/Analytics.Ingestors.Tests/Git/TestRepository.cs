using LibGit2Sharp;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>
/// A git repository in a temp folder, built commit by commit with LibGit2Sharp: every commit, merge, squash and
/// cherry-pick gets the exact times and offsets the test gives, and merges and cherry-picks use libgit2's own
/// merge machinery. Each commit adds one file named after its message, so trees differ and merges are clean.
/// </summary>
public sealed class TestRepository : IDisposable
{
    public static readonly Identity Ana = new("Ana Lima", "ana@acme.test");
    public static readonly Identity Ben = new("Ben Okafor", "ben@acme.test");

    private TestRepository(string path)
    {
        Path = path;
        Repo = new Repository(path);
    }

    public string Path { get; }

    public Repository Repo { get; }

    /// <summary>An empty repository whose HEAD is the branch "main".</summary>
    public static TestRepository Create()
    {
        var path = Directory.CreateTempSubdirectory("git-ingest-").FullName;
        Repository.Init(path);
        // libgit2 names the first branch "master"; a clone of a forge repository today has "main".
        File.WriteAllText(System.IO.Path.Combine(path, ".git", "HEAD"), "ref: refs/heads/main\n");
        return new TestRepository(path);
    }

    /// <param name="paths">The files the commit adds (e.g. "services/cart/basket.txt"); by default one named after the message.</param>
    public Commit Commit(string branch, string message, DateTimeOffset when, Identity? author = null, params string[] paths)
    {
        var parent = Repo.Branches[branch]?.Tip;
        var tree = new TreeDefinition();
        if (parent is not null)
        {
            tree = TreeDefinition.From(parent.Tree);
        }
        var blob = Repo.ObjectDatabase.CreateBlob(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message + "\n")));
        foreach (var path in paths.Length > 0 ? paths : [FileName(message)])
        {
            tree.Add(path, blob, Mode.NonExecutableFile);
        }
        var signature = Sign(author ?? Ana, when);
        return Advance(branch, Repo.ObjectDatabase.CreateCommit(signature, signature, message + "\n", Repo.ObjectDatabase.CreateTree(tree), parent is null ? [] : [parent], prettifyMessage: false));
    }

    public void Branch(string name, Commit from) => Repo.CreateBranch(name, from);

    /// <summary><c>git merge --no-ff</c>: a merge commit whose parents are both tips.</summary>
    public Commit Merge(string into, string from, DateTimeOffset when, Identity? merger = null)
    {
        var (ours, theirs) = (Tip(into), Tip(from));
        var tree = MergedTree(Repo.ObjectDatabase.MergeCommits(ours, theirs, new MergeTreeOptions()));
        var signature = Sign(merger ?? Ben, when);
        return Advance(into, Repo.ObjectDatabase.CreateCommit(signature, signature, $"Merge branch '{from}'\n", tree, [ours, theirs], prettifyMessage: false));
    }

    /// <summary><c>git merge --squash</c> then commit: the merged changes as one commit with one parent.</summary>
    public Commit Squash(string into, string from, string message, DateTimeOffset when, Identity? author = null)
    {
        var ours = Tip(into);
        var tree = MergedTree(Repo.ObjectDatabase.MergeCommits(ours, Tip(from), new MergeTreeOptions()));
        var signature = Sign(author ?? Ana, when);
        return Advance(into, Repo.ObjectDatabase.CreateCommit(signature, signature, message + "\n", tree, [ours], prettifyMessage: false));
    }

    /// <summary><c>git cherry-pick -x</c>: the original author and author time, a new committer and committer time.</summary>
    public Commit CherryPick(string onto, Commit original, DateTimeOffset when, Identity? committer = null)
    {
        var target = Tip(onto);
        var result = Repo.ObjectDatabase.CherryPickCommit(original, target, 0, new MergeTreeOptions());
        var tree = MergedTree(result);
        var message = $"{original.Message.TrimEnd()}\n\n(cherry picked from commit {original.Sha})\n";
        return Advance(onto, Repo.ObjectDatabase.CreateCommit(original.Author, Sign(committer ?? Ben, when), message, tree, [target], prettifyMessage: false));
    }

    public void TagLightweight(string name, Commit target) => Repo.Tags.Add(name, target);

    public void TagAnnotated(string name, Commit target, DateTimeOffset when, Identity? tagger = null) =>
        Repo.Tags.Add(name, target, Sign(tagger ?? Ben, when), $"Release {name}\n");

    public void Dispose()
    {
        Repo.Dispose();
        // Object files are read-only; make them deletable.
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }
        Directory.Delete(Path, recursive: true);
    }

    private Commit Tip(string branch) => Repo.Branches[branch]?.Tip ?? throw new InvalidOperationException($"No branch {branch}.");

    private Commit Advance(string branch, Commit commit)
    {
        if (Repo.Branches[branch] is null)
        {
            Repo.CreateBranch(branch, commit);
        }
        else
        {
            Repo.Refs.UpdateTarget(Repo.Refs[$"refs/heads/{branch}"], commit.Id, $"commit: {commit.MessageShort}");
        }
        return commit;
    }

    private static Tree MergedTree(MergeTreeResult result) =>
        result.Status == MergeTreeStatus.Succeeded ? result.Tree : throw new InvalidOperationException("The test history has a merge conflict.");

    private static Signature Sign(Identity who, DateTimeOffset when) => new(who.Name, who.Email, when);

    private static string FileName(string message) =>
        new string(message.Select(ch => char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-').ToArray()) + ".txt";
}
