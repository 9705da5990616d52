using System.CommandLine;
using System.Globalization;
using System.Text;
using Blockstack.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Cli;

/// <summary>The options every online command shares: <c>--node</c>, <c>--timeout</c>, <c>--json</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>The node's gRPC endpoint when <c>--node</c> is not given (the daemon's default).</summary>
    public const string DefaultNode = "127.0.0.1:20443";

    public Option<string> Node { get; } = new("--node")
    {
        Description = "the node's gRPC endpoint HOST:PORT (plaintext HTTP/2)",
        DefaultValueFactory = _ => DefaultNode,
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "seconds each request to the node may take",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print JSON instead of text",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Node);
        root.Options.Add(Timeout);
        root.Options.Add(Json);
    }

    /// <summary>A client for the node named by this command line.</summary>
    public NodeClient Connect(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var timeout = parse.GetValue(Timeout);
        if (!(timeout > 0) || timeout > 86_400)
        {
            throw new CliException("--timeout must be between 0 and 86400 seconds", CliIo.Usage);
        }

        return new NodeClient(ParseEndpoint(parse.GetValue(Node)!), TimeSpan.FromSeconds(timeout));
    }

    /// <summary>HOST:PORT (or http://HOST:PORT) as an http URI; anything else is a usage error.</summary>
    public static Uri ParseEndpoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.IsDefaultPort && !text.EndsWith(":" + uri.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            || uri.AbsolutePath != "/"
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliException($"--node '{text}' is not HOST:PORT", CliIo.Usage);
        }

        return uri;
    }
}

/// <summary>
/// A gRPC client of the node. Every call has a deadline; a failed call becomes a
/// <see cref="CliException"/> whose one line names the status and the node's code and message
/// (<c>INVALID_ARGUMENT tx-bad-nonce: …</c>); an unreachable node gives exit code 3.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private readonly GrpcChannel _channel;

    public NodeClient(Uri endpoint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        Timeout = timeout;
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            // Zonefiles may be up to 1 MiB; pages of 1000 names are larger than the 4 MiB default would allow in the worst case.
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Node = new NodeService.NodeServiceClient(_channel);
        Bns = new BnsService.BnsServiceClient(_channel);
    }

    public Uri Endpoint { get; }

    public TimeSpan Timeout { get; }

    public NodeService.NodeServiceClient Node { get; }

    public BnsService.BnsServiceClient Bns { get; }

    /// <summary>Runs one unary call with this client's deadline, mapping failures to one-line errors.</summary>
    public T Call<T>(Func<CallOptions, T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call(new CallOptions(deadline: DateTime.UtcNow + Timeout));
        }
        catch (RpcException e)
        {
            throw Describe(e);
        }
    }

    /// <summary>The one-line error for a failed call.</summary>
    public CliException Describe(RpcException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var status = StatusName(e.StatusCode);
        var node = $"{Endpoint.Host}:{Endpoint.Port}";
        switch (e.StatusCode)
        {
            case StatusCode.Unavailable when e.Status.DebugException is { } inner:
                return new CliException($"{status}: cannot reach the node at {node}: {Innermost(inner)}", CliIo.Unreachable, e);
            case StatusCode.Unavailable:
                return new CliException($"{status} {Detail(e)} (node {node})", CliIo.Unreachable, e);
            case StatusCode.DeadlineExceeded:
                return new CliException($"{status}: the node at {node} did not answer within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (--timeout)", CliIo.Failure, e);
            case StatusCode.Internal when e.Status.DebugException is HttpRequestException or IOException:
                return new CliException($"{status}: cannot talk to the node at {node}: {Innermost(e.Status.DebugException)}", CliIo.Unreachable, e);
            default:
                return new CliException($"{status} {Detail(e)}", CliIo.Failure, e);
        }
    }

    /// <summary><c>NotFound</c> → <c>NOT_FOUND</c>: the canonical gRPC spelling.</summary>
    public static string StatusName(StatusCode code)
    {
        var name = code.ToString();
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(name[i]));
        }

        return sb.ToString();
    }

    private static string Detail(RpcException e) =>
        string.IsNullOrWhiteSpace(e.Status.Detail) ? "(no message from the node)" : e.Status.Detail.ReplaceLineEndings(" ");

    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e.Message.ReplaceLineEndings(" ");
    }

    public void Dispose() => _channel.Dispose();
}
