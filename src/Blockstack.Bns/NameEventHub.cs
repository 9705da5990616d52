using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Blockstack.Bns;

/// <summary>
/// Fans name events out to <c>WatchNames</c> subscribers. Each subscriber has a bounded,
/// drop-oldest queue: a slow watcher loses events rather than stalling the writer.
/// </summary>
internal sealed class NameEventHub
{
    private readonly List<Channel<NameEventInfo>> _watchers = [];

    public void Publish(IReadOnlyCollection<NameEventInfo> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_watchers)
        {
            foreach (var w in _watchers)
            {
                foreach (var e in events)
                {
                    w.Writer.TryWrite(e);
                }
            }
        }
    }

    /// <summary>Ends every subscription (shutdown).</summary>
    public void CompleteAll()
    {
        lock (_watchers)
        {
            foreach (var w in _watchers)
            {
                w.Writer.TryComplete();
            }
        }
    }

    public async IAsyncEnumerable<NameEventInfo> Watch(Buff? ns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<NameEventInfo>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_watchers)
        {
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ns is null || e.Name.Namespace == ns.Value)
                {
                    yield return e;
                }
            }
        }
        finally
        {
            lock (_watchers)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
