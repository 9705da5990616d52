using Xunit;

namespace Blockstack.TestKit;

/// <summary>
/// Locates the shared test vectors, which live beside the repository at <c>../shared/vectors</c>.
/// They are never copied into the repository; a clone without them skips the vector tests.
/// </summary>
public static class Vectors
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The repository root (the folder holding Blockstack.Node.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>True when <c>../shared/vectors</c> exists beside the repository.</summary>
    public static bool Available => Root.Value is not null;

    public const string MissingReason = "test vectors not found at ../shared/vectors beside the repository";

    /// <summary>Absolute path of a vector file, e.g. <c>Path("bitcoin", "sighash.json")</c>.</summary>
    public static string Path(params string[] parts)
    {
        var root = Root.Value ?? throw new InvalidOperationException(MissingReason);
        return System.IO.Path.Combine([root, .. parts]);
    }

    public static string ReadText(params string[] parts) => File.ReadAllText(Path(parts));

    public static byte[] ReadBytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    private static string? FindRoot()
    {
        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "vectors"));
        return Directory.Exists(candidate) ? candidate : null;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Blockstack.Node.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new InvalidOperationException("cannot find the repository root (Blockstack.Node.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that reads shared vectors; skipped, with the reason, where they are absent.</summary>
public sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (!Vectors.Available)
        {
            Skip = Vectors.MissingReason;
        }
    }
}

/// <summary>A theory that reads shared vectors; skipped, with the reason, where they are absent.</summary>
public sealed class VectorTheoryAttribute : TheoryAttribute
{
    public VectorTheoryAttribute()
    {
        if (!Vectors.Available)
        {
            Skip = Vectors.MissingReason;
        }
    }
}
