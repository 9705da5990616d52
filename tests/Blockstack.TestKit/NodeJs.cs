using System.Diagnostics;

namespace Blockstack.TestKit;

/// <summary>
/// Runs the interop scripts in <c>tests/interop</c> with Node.js. The npm packages they use are
/// installed by the build of this project (see Blockstack.TestKit.csproj), so the test command
/// needs nothing done by hand.
/// </summary>
public static class NodeJs
{
    public static string InteropDir { get; } = Path.Combine(Vectors.RepoRoot, "tests", "interop");

    /// <summary>
    /// Runs <c>node script args...</c> in the interop folder, writes <paramref name="stdin"/> to it,
    /// and returns its standard output. Fails the test with the script's stderr on a non-zero exit.
    /// </summary>
    public static string Run(string script, string stdin = "", params string[] args)
    {
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = InteropDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start node");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within 3 minutes");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited {p.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }
}
