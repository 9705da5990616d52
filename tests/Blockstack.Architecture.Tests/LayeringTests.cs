using System.Xml.Linq;
using Blockstack.TestKit;

namespace Blockstack.Architecture.Tests;

/// <summary>
/// Checks the project graph against the layering in DESIGN.md: a project references only the
/// projects it may depend on, and consensus projects reference no storage, RPC, logging or hosting
/// packages. A new project under src/ must be added to the table here, deliberately.
/// </summary>
[Trait("Category", "Unit")]
public class LayeringTests
{
    // Direct dependencies each project may have (DESIGN.md, "Projects").
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Blockstack.Bitcoin"] = [],
        ["Blockstack.Stacks"] = ["Blockstack.Bitcoin"],
        ["Blockstack.Storage"] = [],
        ["Blockstack.Burnchain"] = ["Blockstack.Bitcoin", "Blockstack.Stacks", "Blockstack.Storage"],
        ["Blockstack.Pox"] = ["Blockstack.Burnchain", "Blockstack.Bitcoin", "Blockstack.Stacks", "Blockstack.Storage"],
        ["Blockstack.Chain"] = ["Blockstack.Pox", "Blockstack.Storage", "Blockstack.Burnchain", "Blockstack.Bitcoin", "Blockstack.Stacks"],
        ["Blockstack.Bns"] = ["Blockstack.Chain", "Blockstack.Pox", "Blockstack.Storage", "Blockstack.Bitcoin", "Blockstack.Stacks"],
        ["Blockstack.Mining"] = ["Blockstack.Chain", "Blockstack.Burnchain", "Blockstack.Pox", "Blockstack.Storage", "Blockstack.Bitcoin", "Blockstack.Stacks"],
        ["Blockstack.Regtest"] = ["Blockstack.Bitcoin", "Blockstack.Storage"],
        ["Blockstack.Protos"] = [],
        ["Blockstack.Node"] = ["*"],
        ["Blockstack.Cli"] = ["Blockstack.Bitcoin", "Blockstack.Stacks", "Blockstack.Protos"],
    };

    private static readonly string[] ConsensusProjects =
        ["Blockstack.Bitcoin", "Blockstack.Stacks", "Blockstack.Pox", "Blockstack.Chain", "Blockstack.Bns"];

    private static readonly string[] ForbiddenInConsensus =
        ["RocksDB", "Grpc", "Google.Protobuf", "Serilog", "Microsoft.Extensions.Hosting", "Microsoft.AspNetCore"];

    public static TheoryData<string> SourceProjects() => new(ProjectNames());

    private static IEnumerable<string> ProjectNames() =>
        Directory.GetDirectories(Path.Combine(Vectors.RepoRoot, "src"))
            .Where(dir => File.Exists(Path.Combine(dir, Path.GetFileName(dir) + ".csproj")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void ProjectReferences_FollowTheLayering(string project)
    {
        Assert.True(Allowed.TryGetValue(project, out var allowed), $"{project} is not in the layering table; add it deliberately");
        if (allowed.Contains("*"))
        {
            return;
        }

        foreach (var reference in References(project, "ProjectReference"))
        {
            var name = Path.GetFileNameWithoutExtension(reference);
            Assert.True(allowed.Contains(name), $"{project} may not reference {name}");
        }
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void ConsensusProjects_ReferenceNoIoPackages(string project)
    {
        if (!ConsensusProjects.Contains(project))
        {
            return;
        }

        var packages = References(project, "PackageReference").Concat(References(project, "FrameworkReference"));
        foreach (var package in packages)
        {
            Assert.False(
                ForbiddenInConsensus.Any(f => package.StartsWith(f, StringComparison.OrdinalIgnoreCase)),
                $"consensus project {project} references {package}");
        }
    }

    [Fact]
    public void LayeringTable_CoversTheCoreProjects() =>
        Assert.Contains("Blockstack.Bitcoin", ProjectNames());

    private static IEnumerable<string> References(string project, string element)
    {
        var path = Path.Combine(Vectors.RepoRoot, "src", project, project + ".csproj");
        return XDocument.Load(path).Descendants(element).Select(e => (string?)e.Attribute("Include") ?? string.Empty);
    }
}
