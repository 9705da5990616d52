using System.Diagnostics;
using System.Globalization;
using Blockstack.Node.E2E.Tests;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// One <c>blockstack-node</c> child process (<c>dotnet blockstack-node.dll ARGS</c>, no inherited
/// <c>BLOCKSTACK__</c> overrides) whose stdout and stderr are kept line by line, so a failed wait
/// can show what it printed. Output can also be mirrored to a log file.
/// </summary>
internal sealed class ClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StreamWriter? _log;

    private ClusterProcess(string name, Process process, StreamWriter? log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line printed so far (stderr lines marked).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts <c>blockstack-node</c> with <paramref name="args"/>; <paramref name="logFile"/> receives a copy of its output.</summary>
    public static ClusterProcess Start(string name, IEnumerable<string> args, string? logFile)
    {
        var info = DaemonProcess.DotnetStartInfo(DaemonProcess.NodeDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start blockstack-node");
        process.StandardInput.Close();
        var child = new ClusterProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Add(e.Data, string.Empty);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last <paramref name="count"/> lines, headed by the process name and whether it exited.</summary>
    public string Tail(int count = 30)
    {
        var lines = Lines;
        var exited = _process.HasExited ? "exited " + _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "running";
        return $"--- {Name} (pid {Pid}, {exited}), last {Math.Min(count, lines.Count)} of {lines.Count} lines:\n"
            + string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }

    /// <summary>Lines containing <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Grep(string text) => [.. Lines.Where(l => l.Contains(text, StringComparison.Ordinal))];

    /// <summary>SIGKILL (the whole process tree), then waits until it is gone.</summary>
    public async Task KillHardAsync(TimeSpan bound)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var cts = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGTERM (the node's clean shutdown), a bounded wait, then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan bound)
    {
        if (_process.HasExited)
        {
            return;
        }

        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(Pid.ToString(CultureInfo.InvariantCulture));
        using (var kill = Process.Start(info))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }

        using var cts = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillHardAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        lock (_lines)
        {
            _log?.Dispose();
        }
    }

    private void Add(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(prefix + line);
            try
            {
                _log?.WriteLine(prefix + line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
