using System.CommandLine;

namespace Blockstack.Cli;

/// <summary>
/// The <c>blockstack</c> command tree. It takes its streams so tests run it in-process. Every
/// failure ends as one line on standard error: exit code 1 for a failed request or bad input, 2 for
/// a command line that does not parse, 3 when the node cannot be reached; no stack trace reaches
/// the user.
/// </summary>
public static class CliApp
{
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var io = new CliIo(stdin, stdout, stderr);
        var root = new RootCommand("blockstack: offline tools for Bitcoin and Stacks data, and a client of the node");
        root.Options.Add(io.Network);
        var node = new NodeOptions();
        node.AddTo(root);
        foreach (var command in CommandGroups(io, node))
        {
            root.Subcommands.Add(command);
        }

        // No response files: "@FILE" is a value some commands take (decode-block @block.raw).
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine("error: " + parse.Errors[0].Message);
            return CliIo.Usage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return e.ExitCode;
        }
#pragma warning disable CA1031 // The CLI's last line of defence: report, never show a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"error: internal error ({e.GetType().Name}): {e.Message}");
            return CliIo.Failure;
        }
    }

    private static IEnumerable<Command> CommandGroups(CliIo io, NodeOptions node)
    {
        yield return BtcCommands.Create(io);
        var stx = StxCommands.Create(io);
        stx.Subcommands.Add(OnlineTxCommands.Transfer(io, node));
        yield return stx;
        yield return KeysCommands.Create(io);
        foreach (var command in NodeCommands.Create(io, node))
        {
            yield return command;
        }

        yield return BnsCommands.Create(io, node);
    }
}
