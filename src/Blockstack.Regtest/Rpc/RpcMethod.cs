using System.Text;

namespace Blockstack.Regtest.Rpc;

/// <summary>One call as a handler sees it: the mapped arguments and the wallet named by the URI.</summary>
public sealed record RpcCall(RpcParams Params, string? WalletFromUri, CancellationToken CancellationToken);

/// <summary>
/// A method: its name, its parameter names in positional order (named arguments map onto these),
/// how many leading parameters are required, and the handler.
/// </summary>
public sealed class RpcMethod
{
    public RpcMethod(string name, IReadOnlyList<string> parameters, int required, Func<RpcCall, RpcResult> handler)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Name = name;
        Parameters = parameters;
        Required = required;
        Handler = handler;
        var usage = new StringBuilder(name);
        for (var i = 0; i < parameters.Count; i++)
        {
            usage.Append(' ').Append(i < required ? parameters[i] : "( " + parameters[i] + " )");
        }

        Usage = usage.ToString();
    }

    public string Name { get; }

    public IReadOnlyList<string> Parameters { get; }

    public int Required { get; }

    public Func<RpcCall, RpcResult> Handler { get; }

    /// <summary>The one-line usage bitcoind-style help gives; sent with -1 on a wrong argument count.</summary>
    public string Usage { get; }
}

/// <summary>The method table, case-sensitive like bitcoind's.</summary>
public sealed class RpcMethodTable
{
    private readonly Dictionary<string, RpcMethod> _methods = new(StringComparer.Ordinal);

    public void Add(string name, string[] parameters, int required, Func<RpcCall, RpcResult> handler) =>
        _methods.Add(name, new RpcMethod(name, parameters, required, handler));

    public bool TryGet(string name, out RpcMethod method) => _methods.TryGetValue(name, out method!);

    public IEnumerable<string> Names => _methods.Keys;
}
