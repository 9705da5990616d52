using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Bitcoin.Verification;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Regtest;

namespace Blockstack.Burnchain.Tests.Regtest;

/// <summary>Keys the regtest tests mine to and spend from.</summary>
internal static class TestKeys
{
    public static readonly ISecp256k1 Secp = BouncySecp256k1.Instance;

    public static readonly byte[] Miner = Key("miner");
    public static readonly byte[] OtherMiner = Key("other-miner");
    public static readonly byte[] Sender = Key("stx-sender");

    public static readonly KeyRing Ring = MakeRing();

    public static byte[] MinerScript => P2wpkh(Miner);

    public static byte[] OtherMinerScript => P2wpkh(OtherMiner);

    public static byte[] P2wpkh(byte[] key) => SpendScripts.GetScriptPubKeyForPrivateKey(Secp, SpendTemplate.PayToWitnessPubKeyHash, key);

    public static byte[] P2pkh(byte[] key) => SpendScripts.GetScriptPubKeyForPrivateKey(Secp, SpendTemplate.PayToPubKeyHash, key);

    public static Hash160Bytes Hash160Of(byte[] key) => new(Hashes.Hash160(Secp.GetPublicKey(key, compressed: true)));

    public static string Address(byte[] key, SpendTemplate template) =>
        SpendScripts.GetAddress(Secp, template, Secp.GetPublicKey(key, compressed: true), BitcoinNetwork.Regtest);

    private static byte[] Key(string label) => Hashes.Sha256(Encoding.UTF8.GetBytes(label));

    private static KeyRing MakeRing()
    {
        var ring = new KeyRing(Secp);
        ring.Add(Miner);
        ring.Add(OtherMiner);
        ring.Add(Sender);
        return ring;
    }
}

/// <summary>A minimal bitcoind JSON-RPC caller for test set-up (any method; errors throw).</summary>
internal sealed class RegtestRpc(Uri url, string user, string password) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private long _id;

    public async Task<JsonNode?> CallAsync(string method, params JsonNode?[] args)
    {
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _id),
            ["method"] = method,
            ["params"] = new JsonArray(args),
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        using var response = await _http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        var reply = JsonNode.Parse(text)!.AsObject();
        if (reply["error"] is JsonNode error)
        {
            throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
        }

        return reply["result"];
    }

    public async Task<string> SendRawTransactionAsync(Transaction tx) =>
        (string)(await CallAsync("sendrawtransaction", Convert.ToHexStringLower(tx.ToBytes())))!;

    public async Task<List<BlockHash>> GenerateToAddressAsync(int count, string address) =>
        [.. (await CallAsync("generatetoaddress", count, address))!.AsArray().Select(h => BlockHash.Parse((string)h!))];

    public async Task<Block> GetBlockAsync(BlockHash hash)
    {
        var hex = (string)(await CallAsync("getblock", hash.ToString(), 0))!;
        Assert.True(Block.TryParse(Convert.FromHexString(hex), out var block, out var error), error);
        return block;
    }

    public async Task<BlockHash> GetBlockHashAsync(int height) =>
        BlockHash.Parse((string)(await CallAsync("getblockhash", height))!);

    public void Dispose() => _http.Dispose();
}

/// <summary>An embedded regtest node plus helpers to mine blocks that carry signed, funded burn ops.</summary>
internal sealed class RegtestHarness : IAsyncDisposable
{
    public const long SenderOutputValue = 20_000;

    private RegtestHarness(RegtestNode node)
    {
        Node = node;
        Rpc = new RegtestRpc(node.Url, node.Credentials.User, node.Credentials.Password);
    }

    public RegtestNode Node { get; private set; }

    public RegtestRpc Rpc { get; private set; }

    public int Height => Node.Engine.Chain.Height;

    public static async Task<RegtestHarness> StartAsync(RegtestOptions? options = null) =>
        new(await RegtestNode.StartAsync(options ?? new RegtestOptions { InMemory = true, RpcPort = 0, RpcUser = "u", RpcPassword = "p" }));

    /// <summary>A real HTTP client for the node, with a short retry budget unless told otherwise.</summary>
    public BitcoinRpcClient Client(Func<BitcoinRpcOptions, BitcoinRpcOptions>? tweak = null, Microsoft.Extensions.Logging.ILogger<BitcoinRpcClient>? logger = null)
    {
        var options = new BitcoinRpcOptions
        {
            Endpoint = Node.Url,
            User = Node.Credentials.User,
            Password = Node.Credentials.Password,
            RequestTimeout = TimeSpan.FromSeconds(10),
            MaxAttempts = 3,
            InitialRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        return new BitcoinRpcClient(tweak is null ? options : tweak(options), logger: logger);
    }

    /// <summary>Replaces the node (after a restart on the same data directory).</summary>
    public void Replace(RegtestNode node)
    {
        Rpc.Dispose();
        Node = node;
        Rpc = new RegtestRpc(node.Url, node.Credentials.User, node.Credentials.Password);
    }

    /// <summary>
    /// Mines <paramref name="count"/> blocks paying to <paramref name="payout"/>. Each block whose
    /// coinbase 99 blocks down is mature carries three ops spending it: PreStx (sender output),
    /// TransferStx (spends the PreStx's vout 1) and LeaderKeyRegister (spends the PreStx's change).
    /// </summary>
    public List<BlockHash> MineWithOps(int count, byte[] payout, int txsPerBlock = 0)
    {
        var hashes = new List<BlockHash>();
        for (var i = 0; i < count; i++)
        {
            foreach (var tx in OpsForNextBlock(txsPerBlock))
            {
                // After a reorg the old branch's copies come back to the pool (or are already re-mined).
                if (Node.Engine.Pool.Contains(tx.Txid) || Node.Engine.Chain.FindTransaction(tx.Txid) is not null)
                {
                    continue;
                }

                var result = Node.Engine.AcceptToMempool(tx);
                Assert.True(result.IsAccepted, result.Reason);
            }

            hashes.AddRange(Node.Engine.Generate(1, payout));
        }

        return hashes;
    }

    /// <summary>The op transactions for the next block (empty while no coinbase is mature).</summary>
    public List<Transaction> OpsForNextBlock(int extraTxs = 0)
    {
        var chain = Node.Engine.Chain;
        var coinbaseHeight = chain.Height + 1 - 100;
        if (coinbaseHeight < 1)
        {
            return [];
        }

        var coinbase = chain.ReadBlock(chain.GetActive(coinbaseHeight)!.Hash)!.Transactions[0];
        return BuildOps(new OutPoint(coinbase.Txid, 0), coinbase.Outputs[0], coinbaseHeight, extraTxs);
    }

    /// <summary>Signed op transactions spending <paramref name="coin"/>; their fields depend only on <paramref name="seed"/>.</summary>
    public static List<Transaction> BuildOps(OutPoint coin, TxOut spent, int seed, int extraTxs = 0)
    {
        var parameters = BurnchainParameters.Regtest();
        var signer = new TransactionSigner(TestKeys.Secp);
        const long fee = 2_000;
        var change = spent.Value - SenderOutputValue - fee;
        var pre = Sign(signer, new TransactionBuilder()
            .AddInput(coin, spent)
            .AddOutput(0, OpReturn(parameters, BurnOpcode.PreStx, []))
            .AddOutput(SenderOutputValue, TestKeys.P2pkh(TestKeys.Sender))
            .AddOutput(change, TestKeys.MinerScript));
        var recipient = new byte[20];
        BitConverter.TryWriteBytes(recipient, seed);
        var transfer = Sign(signer, new TransactionBuilder()
            .AddInput(new OutPoint(pre.Txid, 1), pre.Outputs[1])
            .AddOutput(0, OpReturn(parameters, BurnOpcode.TransferStx, BurnOpEncoder.TransferStx((UInt128)(1_000 + seed), Encoding.ASCII.GetBytes("t" + seed.ToString(CultureInfo.InvariantCulture)))))
            .AddOutput(SenderOutputValue - fee, StandardScripts.PayToPubKeyHash(recipient)));
        var consensus = new byte[20];
        BitConverter.TryWriteBytes(consensus, seed);
        var vrf = VrfPublicKeyBytes.FromHex("a366b51292bef4edd64063d9145c617fec373bceb0758e98cd72becd84d54c7a");
        var keyTx = Sign(signer, new TransactionBuilder()
            .AddInput(new OutPoint(pre.Txid, 2), pre.Outputs[2])
            .AddOutput(0, OpReturn(parameters, BurnOpcode.LeaderKeyRegister, BurnOpEncoder.LeaderKeyRegister(new ConsensusHash(new Hash160Bytes(consensus)), vrf, [(byte)seed])))
            .AddOutput(change - fee, TestKeys.MinerScript));
        var txs = new List<Transaction> { pre, transfer, keyTx };

        // Plain payments chained off the key register's change (benchmark filler).
        var prev = keyTx;
        var value = change - fee;
        for (var i = 0; i < extraTxs; i++)
        {
            value -= fee;
            prev = Sign(signer, new TransactionBuilder()
                .AddInput(new OutPoint(prev.Txid, (uint)prev.Outputs.Count - 1), prev.Outputs[^1])
                .AddOutput(value, TestKeys.MinerScript));
            txs.Add(prev);
        }

        return txs;
    }

    public static byte[] OpReturn(BurnchainParameters parameters, BurnOpcode opcode, byte[] body) =>
        StandardScripts.NullData([parameters.Magic0, parameters.Magic1, (byte)opcode, .. body]);

    private static Transaction Sign(TransactionSigner signer, TransactionBuilder builder)
    {
        var result = builder.Sign(signer, TestKeys.Ring);
        Assert.True(result.IsComplete, string.Join("; ", result.InputErrors));
        return result.Transaction;
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        await Node.DisposeAsync();
    }
}

/// <summary>Running a watcher against an RPC and comparing it with a fresh one.</summary>
internal static class WatcherChecks
{
    /// <summary>Syncs until a pass commits nothing (bounded).</summary>
    public static async Task SyncToTipAsync(BurnchainWatcher watcher)
    {
        for (var pass = 0; pass < 50; pass++)
        {
            if (await watcher.SyncAsync(int.MaxValue, CancellationToken.None) == 0)
            {
                return;
            }
        }

        Assert.Fail("watcher did not settle in 50 passes");
    }

    /// <summary>The index and the stream's net effect equal those of a fresh watcher that only sees the current chain.</summary>
    public static async Task AssertEqualToFreshAsync(IBitcoinRpc rpc, BurnchainIndex index, List<BurnchainEvent>? stream)
    {
        using var fresh = BurnchainIndex.InMemory();
        var events = Channel.CreateUnbounded<BurnchainEvent>();
        var watcher = new BurnchainWatcher(rpc, fresh, BurnchainParameters.Regtest(), events: events.Writer);
        await SyncToTipAsync(watcher);
        var freshEvents = WatcherTests.Drain(events);
        Assert.All(freshEvents, e => Assert.IsType<BurnchainEvent.Applied>(e));
        Assert.Equal(Dump(fresh), Dump(index));
        if (stream is not null)
        {
            Assert.Equal(freshEvents.Cast<BurnchainEvent.Applied>().Select(a => a.Block).ToList(), WatcherTests.NetApplied(null, stream));
        }
    }

    public static List<string> Dump(BurnchainIndex index) =>
        [.. index.Dump().Select(e => $"{e.Column}:{Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}")];
}
