using Microsoft.Extensions.Logging;

namespace Blockstack.Node.Peers;

/// <summary>
/// Background tasks of the peer network, supervised: each is tracked until it ends, a failure is
/// logged (never thrown into the node), and <see cref="WhenAllAsync"/> waits for all at shutdown.
/// </summary>
internal sealed class TaskTracker
{
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _tasks = [];
    private readonly ILogger _logger;

    public TaskTracker(ILogger logger) => _logger = logger;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tasks.Count;
            }
        }
    }

    public void Start(string name, Func<Task> work)
    {
        var task = RunAsync(name, work);
        lock (_lock)
        {
            if (!task.IsCompleted)
            {
                _tasks.Add(task);
            }
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_lock)
                {
                    _tasks.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public async Task WhenAllAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_lock)
            {
                pending = [.. _tasks];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending);
        }
    }

    private async Task RunAsync(string name, Func<Task> work)
    {
        await Task.Yield();
        try
        {
            await work();
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // A background task of the peer network must never take the node down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            PeerSyncLog.TaskFailed(_logger, e, name);
        }
    }
}
