using System.CommandLine;

namespace Blockstack.Cli;

/// <summary>The <c>blockstack</c> command tree. Takes its streams so tests run it in-process.</summary>
public static class CliApp
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdin);
        var root = new RootCommand("blockstack: offline tools for Bitcoin and Stacks data, and a client of the node");
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).Invoke(config);
    }
}
