using System.Net;
using Blockstack.Node.Peers;

namespace Blockstack.Node.Hosting;

/// <summary>
/// The peer network's parts of one node: the options from <c>[p2p]</c>, the <see cref="PeerBook"/>
/// (sessions and bans), the node as peers see it (<see cref="RuntimePeerNode"/>) and the server
/// context the p2p listener (<see cref="PeerHost"/>, started by <see cref="NodeComposition"/>)
/// serves from. <see cref="RunAsync"/> is the one place where the client side runs.
/// </summary>
public sealed class PeerComposition : IDisposable
{
    private readonly RuntimePeerNode? _owned;

    public PeerComposition(PeerOptions options, PeerBook book, IPeerNode node, Func<bool>? isShuttingDown = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(node);
        Options = options;
        Book = book;
        Node = node;
        _owned = node as RuntimePeerNode;
        Server = new PeerServerContext(node, book, isShuttingDown);
    }

    /// <summary>The options; once the listener is bound, <see cref="PeerOptions.Bind"/> is the real endpoint (port 0 resolved).</summary>
    public PeerOptions Options { get; private set; }

    public PeerBook Book { get; }

    public IPeerNode Node { get; }

    public PeerServerContext Server { get; }

    /// <summary>Called once the p2p listener is bound: peers are told the real address.</summary>
    public void Listening(IPEndPoint bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        Options = Options with { Bind = bound };
        if (Options.Advertise is null)
        {
            Server.ListenAddress = bound.ToString();
        }
    }

    /// <summary>
    /// The client side of the peer network (dialling the bootstrap peers, block download by
    /// inventory, relay of <see cref="IPeerNode.ItemAccepted"/> items, zonefile replication), run
    /// by <see cref="RunAsync"/> with this composition; null: the node serves peers but does not
    /// dial out. The peer-sync branch's <c>PeerNetwork</c> plugs in here (RuntimeComposition sets
    /// it), e.g. <c>(p, ct) =&gt; new PeerNetwork(p.Node, p.Book, p.Options, loggers).RunAsync(ct)</c>.
    /// </summary>
    public Func<PeerComposition, CancellationToken, Task>? Client { get; set; }

    /// <summary>Runs the client side until cancelled (started beside the runtime's loop, after the listener is bound).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Client?.Invoke(this, cancellationToken) ?? Task.CompletedTask;

    public void Dispose() => _owned?.Dispose();
}
