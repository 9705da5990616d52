using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Blockstack.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Node.E2E.Tests;

/// <summary>The ports one daemon listens on, picked free by the test (bind to port 0, read, release).</summary>
internal sealed record DaemonPorts(int Grpc, int BitcoindRpc, int Metrics, int P2p)
{
    public static DaemonPorts Pick()
    {
        var listeners = Enumerable.Range(0, 4).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var l in listeners)
            {
                l.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return new DaemonPorts(ports[0], ports[1], ports[2], ports[3]);
        }
        finally
        {
            foreach (var l in listeners)
            {
                l.Stop();
            }
        }
    }
}

/// <summary>
/// <c>blockstack-node start --regtest</c> as a real child process (<c>dotnet blockstack-node.dll</c>
/// from beside the test assembly) on the given data directory and ports, with a short burn block
/// interval. Everything it prints (stdout and stderr) is kept, so a failed wait can show the last lines.
/// </summary>
internal sealed class DaemonProcess : IDisposable
{
    /// <summary>Seconds between burn blocks of the embedded chain: short, so the test is quick.</summary>
    public const string BlockInterval = "1";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly GrpcChannel _channel;

    private DaemonProcess(Process process, DaemonPorts ports)
    {
        _process = process;
        Ports = ports;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
        Node = new NodeService.NodeServiceClient(_channel);
        Bns = new BnsService.BnsServiceClient(_channel);
    }

    public DaemonPorts Ports { get; }

    public NodeService.NodeServiceClient Node { get; }

    public BnsService.BnsServiceClient Bns { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every line printed so far, stdout and stderr interleaved as they arrived (stderr marked).</summary>
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

    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "blockstack-node.dll");

    public static DaemonProcess Start(string dataDir, DaemonPorts ports)
    {
        var info = DotnetStartInfo(NodeDll);
        foreach (var a in new[]
        {
            "start", "--regtest", "--datadir", dataDir,
            "--grpc-bind", $"127.0.0.1:{ports.Grpc}",
            "--prometheus-bind", $"127.0.0.1:{ports.Metrics}",
            "--p2p-bind", $"127.0.0.1:{ports.P2p}",
        })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["BLOCKSTACK__BURNCHAIN__RPC_PORT"] = ports.BitcoindRpc.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["BLOCKSTACK__BURNCHAIN__BLOCK_INTERVAL"] = BlockInterval;
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start blockstack-node");
        var daemon = new DaemonProcess(process, ports);
        process.OutputDataReceived += (_, e) => daemon.Add(e.Data, string.Empty);
        process.ErrorDataReceived += (_, e) => daemon.Add(e.Data, "stderr: ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>A <c>dotnet DLL</c> start with redirected output and no inherited BLOCKSTACK__ overrides.</summary>
    public static ProcessStartInfo DotnetStartInfo(string dll)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("BLOCKSTACK__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        return info;
    }

    /// <summary>The last <paramref name="count"/> lines, for failure messages.</summary>
    public string Tail(int count = 40)
    {
        var lines = Lines;
        return $"exited: {(_process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no")}; last lines of blockstack-node:\n"
            + string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
    }

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns a value, every 250 ms, for at most
    /// <paramref name="bound"/>. UNAVAILABLE (still starting) counts as "not yet"; the daemon exiting
    /// or the bound passing fails with its last log lines.
    /// </summary>
    public async Task<T> WaitFor<T>(string what, TimeSpan bound, Func<Task<T?>> probe)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer yet";
        while (deadline.Elapsed < bound)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"blockstack-node exited while waiting for {what}\n{Tail()}");
            }

            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }

                last = "condition not met";
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.NotFound or StatusCode.DeadlineExceeded)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }

            await Task.Delay(250);
        }

        Assert.Fail($"timed out after {bound.TotalSeconds} s waiting for {what} (last: {last})\n{Tail()}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Waits until the node reports synced with a Stacks tip at or above <paramref name="height"/>.</summary>
    public Task<NodeInfo> WaitForTip(ulong height, TimeSpan bound) =>
        WaitFor($"synced with stacks tip >= {height}", bound, async () =>
        {
            var info = await Node.GetInfoAsync(new GetInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            return info.Synced && info.StacksTipHeight >= height ? info : null;
        });

    /// <summary>SIGKILL of the daemon (and anything it started); waits until it is gone.</summary>
    public async Task KillHard(TimeSpan bound)
    {
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(bound);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Sends SIGTERM with the <c>kill</c> command.</summary>
    public void Terminate()
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(info) ?? throw new InvalidOperationException("cannot run kill");
        kill.WaitForExit(TimeSpan.FromSeconds(10));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit by itself; fails with its last lines past the bound.</summary>
    public async Task<int> WaitForExit(TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"blockstack-node did not exit within {bound.TotalSeconds} s\n{Tail()}");
        }

        // The asynchronous readers may still be flushing the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
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
        }
    }
}

/// <summary>
/// The <c>blockstack</c> CLI as a child process: <c>dotnet blockstack.dll</c> from the CLI project's
/// own build output (same configuration and framework as this test assembly). The copy beside the
/// test assembly cannot run: the test folder is laid out for the ASP.NET Core framework the daemon
/// uses, so the package assemblies the CLI needs on the plain runtime are not there.
/// </summary>
internal static class Cli
{
    public static string Dll { get; } = Locate();

    private static string Locate()
    {
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDir.Parent?.Name ?? throw new InvalidOperationException("unexpected test output folder " + tfmDir.FullName);
        var dll = Path.Combine(Blockstack.TestKit.Vectors.RepoRoot, "src", "Blockstack.Cli", "bin", configuration, tfmDir.Name, "blockstack.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("the CLI is not built where expected (build this test project, which references it)", dll);
    }

    public static async Task<(int Code, string Out, string Err)> Run(TimeSpan bound, params string[] args)
    {
        var info = DaemonProcess.DotnetStartInfo(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start blockstack");
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(bound);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"blockstack {string.Join(' ', args)} did not finish within {bound.TotalSeconds} s");
        }

        return (p.ExitCode, await stdout, await stderr);
    }
}
