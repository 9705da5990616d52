using System.Diagnostics;
using Blockstack.Node.Hosting;

namespace Blockstack.Node.Tests;

/// <summary>The real <c>blockstack-node</c> executable: exit codes, messages and SIGTERM handling.</summary>
[Trait("Category", "Integration")]
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Process Launch(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "blockstack-node.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("cannot start blockstack-node");
    }

    private static async Task<(int Code, string Out, string Err)> RunToEnd(params string[] args)
    {
        using var p = Launch(args);
        using var cts = new CancellationTokenSource(Bound);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task StartRegtest_BadGrpcBindFlag_Exit2AndNothingWritten()
    {
        var data = Path.Combine(_dir, "data");

        var (code, _, err) = await RunToEnd("start", "--regtest", "--datadir", data, "--grpc-bind", "not-an-endpoint");

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Contains("grpc_bind", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task CheckConfig_UnknownKey_Exit2()
    {
        var file = Path.Combine(_dir, "node.toml");
        await File.WriteAllTextAsync(file, "[node]\nnetwork = \"regtest\"\nworking_dir = \"/x\"\n");

        var (code, _, err) = await RunToEnd("check-config", "--config", file);

        Assert.Equal(ExitCodes.ConfigError, code);
        Assert.Contains("node.toml:3: unknown key 'node.working_dir'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bitcoind_Sigterm_StopsCleanlyWithExit0()
    {
        using var p = Launch("bitcoind", "--datadir", _dir, "--rpcport", "0");
        using var cts = new CancellationTokenSource(Bound);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line.Contains("Regtest bitcoind RPC on", StringComparison.Ordinal))
                {
                    started.TrySetResult();
                }
            }
        };
        p.ErrorDataReceived += (_, e) => output.Enqueue("stderr: " + e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await started.Task.WaitAsync(cts.Token);
        var cookie = Path.Combine(_dir, "regtest", ".cookie");
        Assert.True(File.Exists(cookie));

        Assert.Equal(0, Kill(p.Id, SigTerm));
        await p.WaitForExitAsync(cts.Token);

        Assert.True(p.ExitCode == 0, string.Join('\n', output));
        Assert.Contains(output, l => l.Contains("Regtest bitcoind stopped", StringComparison.Ordinal));
        Assert.False(File.Exists(cookie), "the cookie is removed on a clean stop");
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
