using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blockstack.Cli;

/// <summary>
/// A user-facing failure: its message is printed as one line; the exit code is 1 (a failed
/// request or bad input) unless the thrower chose another (<see cref="CliIo.Usage"/>,
/// <see cref="CliIo.Unreachable"/>).
/// </summary>
public sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException(string message, int exitCode, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code for this failure.</summary>
    public int ExitCode { get; } = CliIo.Failure;

    public CliException()
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The streams a command works with, and the single and batch output conventions.</summary>
public sealed class CliIo(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>Exit code of a command line that does not parse or an option value that makes no sense.</summary>
    public const int Usage = 2;

    /// <summary>Exit code when the node cannot be reached (connection refused, unavailable).</summary>
    public const int Unreachable = 3;

    /// <summary>The value that asks a command to read its inputs from standard input, one per line.</summary>
    public const string BatchMarker = "-";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public TextReader In { get; } = stdin;

    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    /// <summary>The <c>--network</c> option of this command tree (recursive: every command has it).</summary>
    public Option<string> Network { get; } = CliOptions.CreateNetwork();

    /// <summary>
    /// Runs <paramref name="handler"/> on <paramref name="value"/>, or, when the value is
    /// <c>-</c>, on every non-empty line of standard input. A single value prints indented JSON;
    /// batch mode prints one compact JSON object per input line, in order. A bad line in batch mode
    /// prints <c>{"error": ...}</c> in its place (so outputs stay aligned with inputs), a message on
    /// standard error naming the line, and the command ends with exit code 1 after the last line.
    /// </summary>
    public int ForEachInput(string value, Func<string, JsonNode> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (value != BatchMarker)
        {
            Out.WriteLine(handler(value).ToJsonString(Indented));
            return Success;
        }

        var code = Success;
        var lineNumber = 0;
        while (In.ReadLine() is { } line)
        {
            lineNumber++;
            var input = line.Trim();
            if (input.Length == 0)
            {
                continue;
            }

            try
            {
                Out.WriteLine(handler(input).ToJsonString(Compact));
            }
            catch (CliException e)
            {
                Out.WriteLine(new JsonObject { ["error"] = e.Message }.ToJsonString(Compact));
                Err.WriteLine($"error: line {lineNumber}: {e.Message}");
                code = Failure;
            }
        }

        return code;
    }

    /// <summary>
    /// Prints a result: indented JSON with <paramref name="json"/>, else one <c>key: value</c> line
    /// per field (nested objects as <c>outer.inner</c>, arrays as <c>key[i]</c>), nulls left out.
    /// </summary>
    public void Print(JsonNode result, bool json)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (json)
        {
            Out.WriteLine(result.ToJsonString(Indented));
            return;
        }

        WriteText(result, string.Empty);
    }

    private void WriteText(JsonNode? node, string prefix)
    {
        switch (node)
        {
            case null:
                break;
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    WriteText(value, prefix.Length == 0 ? key : prefix + "." + key);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    WriteText(a[i], $"{prefix}[{i}]");
                }

                break;
            default:
                var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                Out.WriteLine(prefix.Length == 0 ? text : $"{prefix}: {text}");
                break;
        }
    }
}
