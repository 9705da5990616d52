using System.Globalization;
using System.Text;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>What one node of the cluster is: a name, and for a miner its BTC budget per block-commit (sats).</summary>
internal sealed record ClusterNodeSpec(string Name, ulong? BurnBudget = null)
{
    public bool IsMiner => BurnBudget is not null;
}

/// <summary>
/// One node of the cluster: its config file (written once), data directory, ports, and the process
/// while it runs. Restarts keep the data directory and the ports.
/// </summary>
internal sealed class ClusterNode : IDisposable
{
    private readonly string _logFile;
    private GrpcChannel? _channel;

    public ClusterNode(ClusterNodeSpec spec, string dir, int grpcPort, int p2pPort, RegtestMinerKey? minerKey)
    {
        Spec = spec;
        DataDir = Path.Combine(dir, spec.Name.ToLowerInvariant());
        ConfigPath = Path.Combine(dir, spec.Name.ToLowerInvariant() + ".toml");
        _logFile = Path.Combine(dir, spec.Name.ToLowerInvariant() + ".log");
        GrpcPort = grpcPort;
        P2pPort = p2pPort;
        MinerKey = minerKey;
    }

    public ClusterNodeSpec Spec { get; }

    public string Name => Spec.Name;

    public string DataDir { get; }

    public string ConfigPath { get; }

    public int GrpcPort { get; }

    public int P2pPort { get; }

    /// <summary>host:port of its PeerService listener.</summary>
    public string P2pAddress => $"127.0.0.1:{P2pPort.ToString(CultureInfo.InvariantCulture)}";

    public string GrpcAddress => $"127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";

    public RegtestMinerKey? MinerKey { get; }

    /// <summary>The running process, or null before the first start and after a kill.</summary>
    public ClusterProcess? Process { get; private set; }

    /// <summary>Processes of earlier runs (killed or stopped), kept for their logs.</summary>
    public List<ClusterProcess> Earlier { get; } = [];

    public bool IsRunning => Process is { HasExited: false };

    public NodeService.NodeServiceClient Node { get; private set; } = null!;

    public BnsService.BnsServiceClient Bns { get; private set; } = null!;

    /// <summary>Writes the node's TOML config (see <see cref="Cluster"/> for what goes in it).</summary>
    public void WriteConfig(string configText) => File.WriteAllText(ConfigPath, configText);

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        if (Process is { } old)
        {
            Earlier.Add(old);
        }

        File.AppendAllText(_logFile, $"==== start {DateTime.UtcNow:O}\n");
        Process = ClusterProcess.Start(Name, ["start", "--config", ConfigPath], _logFile);
        _channel?.Dispose();
        _channel = GrpcChannel.ForAddress($"http://{GrpcAddress}");
        Node = new NodeService.NodeServiceClient(_channel);
        Bns = new BnsService.BnsServiceClient(_channel);
    }

    /// <summary>GetInfo with a short deadline; null when the node does not answer (starting, stopped, busy).</summary>
    public async Task<NodeInfo?> TryGetInfoAsync()
    {
        if (!IsRunning)
        {
            return null;
        }

        try
        {
            return await Node.GetInfoAsync(new GetInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public string Tail(int count = 30)
    {
        if (Process is null)
        {
            return $"--- {Name}: never started";
        }

        var sb = new StringBuilder();
        foreach (var earlier in Earlier)
        {
            sb.Append("(earlier run) ").Append(earlier.Tail(Math.Min(count, 10))).Append('\n');
        }

        return sb.Append(Process.Tail(count)).ToString();
    }

    public void Dispose()
    {
        _channel?.Dispose();
        Process?.Dispose();
        foreach (var p in Earlier)
        {
            p.Dispose();
        }
    }
}
