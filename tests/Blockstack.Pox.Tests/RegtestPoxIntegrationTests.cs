using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Index;
using Blockstack.Burnchain.Ops;
using Blockstack.Burnchain.Rpc;
using Blockstack.Burnchain.Watcher;
using Blockstack.Regtest;
using Blockstack.Stacks.Vrf;
using Xunit.Abstractions;

namespace Blockstack.Pox.Tests;

/// <summary>
/// PoX leader election end to end on the embedded regtest bitcoind: real Bitcoin transactions
/// (signed P2WPKH spends carrying OP_RETURN burn ops), mined into blocks, read back by the real
/// <see cref="BurnchainWatcher"/> over <see cref="BitcoinRpcClient"/>, and fed to the
/// <see cref="SortitionStore"/>.
/// <para>
/// Heights (regtest: first burn block 0, cycle 5, prepare 3): 1–3 coinbases to miner A, miner B
/// and a "thief", 4–103 maturity blocks (burn blocks without ops), 104 the three VRF key
/// registrations, 105–149 one commit per miner per block. Cycle 21's prepare phase (103–105) has
/// one block with commits, so cycle 21 has no anchor and its reward blocks (106, 107) burn; from
/// cycle 22 (first rewarded block 111) every cycle has an anchor, so cycles 22–29 (eight full
/// cycles) pay the fixed two-stacker reward set.
/// </para>
/// <para>
/// Parent pointers: there is no Stacks chain, so each commit builds on the previous sortition's
/// winning commit (the first commits on genesis, 0/0), as a miner following the canonical tip
/// does (consensus.md §2). This is what lets the prepare phase confirm an anchor: a chain of
/// winners that ends at 0/0 inside the walk is dropped, and a commit that pays PoX must descend
/// from the anchor (<c>pox-commit-not-anchor-descendant</c>). Each miner's input 0 spends its
/// previous commit's change (vout 3 after a two-output block, 2 after a prepare-phase block),
/// which is what makes its earlier commits count in the median window.
/// </para>
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegtestPoxIntegrationTests(ITestOutputHelper output)
{
    private const int CommitBlocks = 45;
    private const long TxFee = 2_000;
    private static readonly BurnchainParameters Params = BurnchainParameters.ForNetwork("regtest");
    private static readonly PoxParameters Pox = PoxParameters.For(Params);
    private static readonly PoxAddress BurnAddress = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
    private static readonly UInt128 Stx = 1_000_000;

    [Fact]
    public async Task TwoMiners_FortyFiveBurnBlocks_ElectLeadersByBurnPayRewardSetAndReplayIdentically()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = timeout.Token;
        await using var node = await RegtestNode.StartAsync(new RegtestOptions { InMemory = true, RpcPort = 0 }, cancellationToken: ct);
        using var rpc = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = node.Url,
            User = node.Credentials.User,
            Password = node.Credentials.Password,
            RequestTimeout = TimeSpan.FromSeconds(20),
            MaxAttempts = 3,
        });

        // Stackers: one P2PKH, one P2WPKH (both as the watcher decodes them on regtest).
        var stackerA = TestKey.FromSeed(0xa1);
        var stackerB = TestKey.FromSeed(0xb2);
        var stackerAddrA = Decode(StandardScriptsP2pkh(stackerA.PublicKey));
        var stackerAddrB = Decode(stackerB.Script);
        var rewardInputs = new RewardSetInputs([new StackingEntry(stackerAddrA, 1_000_000 * Stx), new StackingEntry(stackerAddrB, 500_000 * Stx)], 4_000_000 * Stx);
        using var store = SortitionStore.InMemory(Pox, new FixedRewardSetProvider(rewardInputs));
        var follower = new Follower(rpc, store);

        var minerA = new Miner("A", TestKey.FromSeed(1), 30_000);
        var minerB = new Miner("B", TestKey.FromSeed(2), 10_000);
        var thief = new Miner("thief", TestKey.FromSeed(3), 20_000);
        var sink = TestKey.FromSeed(9);

        // Funding: one coinbase each (heights 1–3), matured by 100 more blocks (tip 103).
        foreach (var m in new[] { minerA, minerB, thief })
        {
            var hash = (await GenerateAsync(rpc, 1, m.Key.Address, ct))[0];
            var raw = await rpc.GetRawBlockAsync(hash, ct) ?? throw new InvalidOperationException("mined block not found");
            Assert.True(Block.TryParse(raw, out var block, out var error), error);
            var coinbase = block.Transactions[0];
            var vout = Enumerable.Range(0, coinbase.Outputs.Count).First(i => coinbase.Outputs[i].ScriptPubKey.Span.SequenceEqual(m.Key.Script));
            m.Coin = (new OutPoint(coinbase.Txid, (uint)vout), coinbase.Outputs[vout]);
        }

        await GenerateAsync(rpc, 100, sink.Address, ct);
        await follower.SyncAsync(ct);
        Assert.Equal(103UL, store.Tip!.BurnHeight);
        Assert.All(Enumerable.Range(1, 103), h => Assert.False(store.GetSnapshotAtHeight((ulong)h)!.Sortition, $"sortition at {h} without commits"));

        // VRF keys: one LeaderKeyRegister per miner in block 104.
        var consensusHash = new Burnchain.ConsensusHash(new Hash160Bytes(store.Tip.ConsensusHash.Hash.ToArray()));
        foreach (var m in new[] { minerA, minerB, thief })
        {
            var op = new LeaderKeyRegisterOp(consensusHash, m.VrfPublic, ByteString.Empty, default, 0, 0, default);
            m.PendingTxid = await SendAsync(rpc, m, BurnOpEncoder.OpReturnScript(Params, op), [], ct);
        }

        await MineAsync(rpc, sink, follower, ct);
        var keyBlock = store.GetDetails(store.Tip.SortitionId)!;
        Assert.Equal(104UL, keyBlock.Snapshot.BurnHeight);
        Assert.Empty(keyBlock.Rejections);
        var keys = store.GetLeaderKeys(keyBlock.Snapshot.SortitionId);
        foreach (var m in new[] { minerA, minerB, thief })
        {
            var key = Assert.Single(keys, k => k.Txid == m.PendingTxid);
            Assert.Equal(m.VrfPublic, key.PublicKey);
            m.KeyPtr = ((uint)key.BlockHeight, (ushort)key.Vtxindex);
        }

        // Commits: both miners in every block; the thief once, paying itself at a cycle start.
        var firstCommitHeight = store.Tip.BurnHeight + 1;
        var lastCommitHeight = firstCommitHeight + CommitBlocks - 1;
        ulong? thiefHeight = null;
        var txids = new Dictionary<Txid, Miner>();
        var proofs = new Dictionary<Txid, VrfProof>();
        for (var height = firstCommitHeight; height <= lastCommitHeight; height++)
        {
            var tip = store.Tip!;
            var recipients = store.GetNextBlockRecipients();
            var parent = LastWinner(store, tip);
            foreach (var m in new[] { minerA, minerB })
            {
                var (txid, proof) = await CommitAsync(rpc, m, tip, height, parent, Outputs(height, recipients), ct);
                txids[txid] = m;
                proofs[txid] = proof;
            }

            if (thiefHeight is null && height >= firstCommitHeight + 20 && Pox.IsRewardCycleStart(height) && recipients is not null)
            {
                thiefHeight = height;
                var wrong = Decode(thief.Key.Script);
                (thief.PendingTxid, _) = await CommitAsync(rpc, thief, tip, height, parent, [wrong, wrong], ct);
            }

            await MineAsync(rpc, sink, follower, ct);
            Assert.Equal(height, store.Tip!.BurnHeight);
        }

        // --- every block with commits elected one of the two miners' commits ---
        var winsA = 0;
        double expectedA = 0, variance = 0;
        var steadyBlocks = 0;
        for (var h = firstCommitHeight; h <= lastCommitHeight; h++)
        {
            var d = store.GetDetails(store.GetSnapshotAtHeight(h)!.SortitionId)!;
            Assert.True(d.Snapshot.Sortition, $"no sortition at {h}");
            Assert.Equal(2, d.Commits.Count);
            Assert.All(d.Commits, c => Assert.True(txids.ContainsKey(c.Op.Txid), $"unknown commit {c.Op.Txid} at {h}"));
            var winner = Assert.Single(d.Commits, c => c.Won);
            Assert.Equal(d.Snapshot.WinningTxid, winner.Op.Txid);
            Assert.Equal(VrfCheckCode.Valid, store.CheckWinnerVrfProof(d.Snapshot.SortitionId, proofs[winner.Op.Txid]));
            if (h != thiefHeight)
            {
                Assert.Empty(d.Rejections);
            }

            var a = d.Commits.Single(c => txids[c.Op.Txid] == minerA);
            var b = d.Commits.Single(c => txids[c.Op.Txid] == minerB);
            Assert.Equal((ulong)minerA.Budget, a.Op.BurnFee);
            Assert.Equal((ulong)minerB.Budget, b.Op.BurnFee);
            if (h >= firstCommitHeight + PoxParameters.MiningCommitmentWindow - 1)
            {
                // UTXO chaining worked: the whole window is linked (prepare-phase blocks use a
                // window of one block), so the effective burn is the commitment.
                var window = Pox.IsInPreparePhase(h) ? 1 : PoxParameters.MiningCommitmentWindow;
                Assert.Equal(window, a.Frequency);
                Assert.Equal(window, b.Frequency);
                Assert.Equal(a.Op.BurnFee, a.Burn);
                Assert.Equal(b.Op.BurnFee, b.Burn);
                steadyBlocks++;
            }

            var p = (double)a.Burn / (a.Burn + b.Burn);
            expectedA += p;
            variance += p * (1 - p);
            winsA += winner == a ? 1 : 0;
        }

        // --- win frequencies follow the effective burns: Poisson-binomial, ±4σ ---
        var sigma = Math.Sqrt(variance);
        output.WriteLine($"miner A won {winsA}/{CommitBlocks} blocks (share {(double)winsA / CommitBlocks:F3}), expected {expectedA:F1} ± {sigma:F2} (σ); steady blocks {steadyBlocks}");
        Assert.Equal(CommitBlocks - PoxParameters.MiningCommitmentWindow + 1, steadyBlocks);
        Assert.InRange(winsA, expectedA - (4 * sigma), expectedA + (4 * sigma));
        Assert.InRange(winsA, CommitBlocks / 2, CommitBlocks); // 3:1 must beat a coin: fails if burns were ignored

        // --- reward phases paid the reward set, prepare phases burned ---
        var rewardBlocks = 0;
        var cyclesWithAnchor = 0;
        for (var cycle = Pox.CycleOf(firstCommitHeight) + 1; Pox.FirstRewardBlockOf(cycle) + Pox.RewardCycleLength - 1 <= lastCommitHeight; cycle++)
        {
            var info = store.GetRewardCycle(cycle)!;
            Assert.NotNull(info.Anchor);
            Assert.True(info.AnchorKnown);
            var slots = info.RewardSet!.Slots.ToArray();
            Assert.Equal(3, slots.Length);
            Assert.Equal(2, slots.Count(s => s == stackerAddrA));
            Assert.Equal(1, slots.Count(s => s == stackerAddrB));
            cyclesWithAnchor++;
            var paid = new List<string>();
            for (var h = Pox.FirstRewardBlockOf(cycle); h < Pox.FirstRewardBlockOf(cycle) + Pox.RewardCycleLength; h++)
            {
                var d = store.GetDetails(store.GetSnapshotAtHeight(h)!.SortitionId)!;
                if (Pox.IsInRewardPhase(h))
                {
                    rewardBlocks++;
                    Assert.False(d.Snapshot.CommitsMustBurn);
                    // Outputs are compared as a multiset (stacks-core sorts both sides by burnchain
                    // repr); at a cycle start Payouts are recorded in descending slot order while
                    // GetNextBlockRecipients lists them in draw order.
                    var expected = Sorted(d.ExpectedRecipients.Where(r => !r.IsBurn));
                    Assert.NotEmpty(expected);
                    Assert.All(d.Commits, c => Assert.Equal(expected, Sorted(c.Op.CommitOutputs.Where(o => !o.IsBurn))));
                    Assert.All(d.Commits, c => Assert.Equal(PoxParameters.OutputsPerCommit, c.Op.CommitOutputs.Count));
                    paid.AddRange(expected);
                }
                else
                {
                    Assert.True(d.Snapshot.CommitsMustBurn);
                    Assert.All(d.Commits, c => Assert.Equal([BurnAddress], c.Op.CommitOutputs.ToArray()));
                }
            }

            Assert.Equal(Sorted(slots), paid.Order(StringComparer.Ordinal));
        }

        Assert.True(cyclesWithAnchor >= 3, $"only {cyclesWithAnchor} full reward cycles");
        output.WriteLine($"full reward cycles with an anchor: {cyclesWithAnchor}, reward-phase blocks checked: {rewardBlocks}");

        // Cycle 21 (one prepare block with commits) has no anchor: its reward blocks burned.
        Assert.Null(store.GetRewardCycle(Pox.CycleOf(firstCommitHeight))!.Anchor);

        // --- the thief's commit paid itself in a reward phase: rejected with its code ---
        Assert.NotNull(thiefHeight);
        var robbed = store.GetDetails(store.GetSnapshotAtHeight(thiefHeight!.Value)!.SortitionId)!;
        var rejection = Assert.Single(robbed.Rejections);
        Assert.Equal("pox-commit-bad-outputs", rejection.CodeText);
        Assert.Equal(thief.PendingTxid, rejection.Txid);
        Assert.DoesNotContain(robbed.Commits, c => c.Op.Txid == thief.PendingTxid);
        Assert.DoesNotContain(robbed.AcceptedOps, o => o.Txid == thief.PendingTxid);

        // --- a second watcher + store rebuilt from the same chain ends identical ---
        using var fresh = SortitionStore.InMemory(Pox, new FixedRewardSetProvider(rewardInputs));
        await new Follower(rpc, fresh).SyncAsync(ct);
        Assert.Equal(store.Tip, fresh.Tip);
        for (ulong h = 0; h <= lastCommitHeight; h++)
        {
            var x = store.GetSnapshotAtHeight(h)!;
            var y = fresh.GetSnapshotAtHeight(h)!;
            Assert.Equal(x.ConsensusHash, y.ConsensusHash);
            Assert.Equal(x, y);
            Assert.Equal(store.GetCommits(x.SortitionId), fresh.GetCommits(y.SortitionId));
        }
    }

    private static string[] Sorted(IEnumerable<PoxAddress> addresses) => [.. addresses.Select(a => a.ToBurnchainRepr()).Order(StringComparer.Ordinal)];

    private static byte[] StandardScriptsP2pkh(byte[] publicKey) => Bitcoin.Scripts.StandardScripts.PayToPubKeyHash(Hashes.Hash160(publicKey));

    private static PoxAddress Decode(ReadOnlySpan<byte> script) =>
        PoxAddress.TryFromScript(script, mainnet: false, legacyOnly: false, out var address) ? address : throw new ArgumentException("not an address script", nameof(script));

    /// <summary>What a commit at <paramref name="height"/> must pay: one burn (prepare), the recipients padded with a burn, or two burns (no anchor).</summary>
    private static PoxAddress[] Outputs(ulong height, RecipientInfo? recipients)
    {
        if (Pox.IsInPreparePhase(height))
        {
            return [BurnAddress];
        }

        if (recipients is null)
        {
            return [BurnAddress, BurnAddress];
        }

        var outs = recipients.Recipients.Select(r => r.Address).ToList();
        while (outs.Count < PoxParameters.OutputsPerCommit)
        {
            outs.Add(BurnAddress);
        }

        return [.. outs];
    }

    /// <summary>The canonical fork's latest winning commit as (height, vtxindex), or genesis (0, 0).</summary>
    private static (uint Height, ushort Vtx) LastWinner(SortitionStore store, SortitionSnapshot tip)
    {
        for (var sn = tip; !sn.IsFirst; sn = store.GetSnapshot(sn.ParentSortitionId)!)
        {
            if (sn.Sortition && store.GetDetails(sn.SortitionId)!.Winner is { } w)
            {
                return ((uint)w.Op.BlockHeight, (ushort)w.Op.Vtxindex);
            }
        }

        return (0, 0);
    }

    private static async Task<(Txid Txid, VrfProof Proof)> CommitAsync(BitcoinRpcClient rpc, Miner m, SortitionSnapshot tip, ulong height, (uint Height, ushort Vtx) parent, PoxAddress[] outputs, CancellationToken ct)
    {
        var proof = EcVrf.Prove(m.Vrf, tip.SortitionHash.Hash.ToArray());
        var op = new LeaderBlockCommitOp(
            new Hash256(SHA256.HashData(Encoding.UTF8.GetBytes($"stacks-block/{m.Name}/{height}"))),
            proof.Seed,
            parent.Height,
            parent.Vtx,
            m.KeyPtr.Height,
            m.KeyPtr.Vtx,
            Params.EpochAt(height).CommitMemoMarker(),
            (byte)((height - 1) % 5),
            (ulong)m.Budget,
            0,
            new ValueList<PoxAddress>(outputs),
            default,
            null,
            default,
            0,
            height,
            default);
        var each = m.Budget / outputs.Length;
        var txid = await SendAsync(rpc, m, BurnOpEncoder.OpReturnScript(Params, op), [.. outputs.Select(o => (each, o.ToScriptPubKey()))], ct);
        return (txid, proof);
    }

    /// <summary>Spends the miner's coin: OP_RETURN, then <paramref name="payments"/>, then change back to the miner.</summary>
    private static async Task<Txid> SendAsync(BitcoinRpcClient rpc, Miner m, byte[] opReturn, (long Value, byte[] Script)[] payments, CancellationToken ct)
    {
        var builder = new TransactionBuilder().AddInput(m.Coin.Outpoint, m.Coin.Output).AddOutput(0, opReturn);
        foreach (var (value, script) in payments)
        {
            builder.AddOutput(value, script);
        }

        var change = m.Coin.Output.Value - payments.Sum(p => p.Value) - TxFee;
        builder.AddOutput(change, m.Key.Script);
        var keys = new KeyRing(BouncySecp256k1.Instance);
        keys.Add(m.Key.PrivateKey);
        var signed = builder.Sign(new TransactionSigner(BouncySecp256k1.Instance), keys);
        Assert.True(signed.IsComplete, string.Join("; ", signed.InputErrors));
        var tx = signed.Transaction;
        using var reply = await rpc.CallAsync("sendrawtransaction", [Convert.ToHexStringLower(tx.ToBytes())], ct);
        Assert.Equal(tx.Txid.ToString(), reply.RootElement.GetString());
        var changeVout = (uint)(tx.Outputs.Count - 1);
        m.Coin = (new OutPoint(tx.Txid, changeVout), tx.Outputs[(int)changeVout]);
        return tx.Txid;
    }

    private static async Task<List<BlockHash>> GenerateAsync(BitcoinRpcClient rpc, int count, string address, CancellationToken ct)
    {
        using var reply = await rpc.CallAsync("generatetoaddress", [count, address], ct);
        return [.. reply.RootElement.EnumerateArray().Select(e => BlockHash.Parse(e.GetString()!))];
    }

    /// <summary>Mines the mempool into one block (all of it: the pool must be empty after) and lets the store follow.</summary>
    private static async Task MineAsync(BitcoinRpcClient rpc, TestKey sink, Follower follower, CancellationToken ct)
    {
        await GenerateAsync(rpc, 1, sink.Address, ct);
        using var pool = await rpc.CallAsync("getrawmempool", [], ct);
        Assert.Equal(0, pool.RootElement.GetArrayLength());
        await follower.SyncAsync(ct);
    }

    /// <summary>A real watcher over the RPC client, its events drained into a sortition store.</summary>
    private sealed class Follower(BitcoinRpcClient rpc, SortitionStore store)
    {
        private readonly Channel<BurnchainEvent> _events = Channel.CreateUnbounded<BurnchainEvent>();
        private readonly BurnchainIndex _index = BurnchainIndex.InMemory();
        private BurnchainWatcher? _watcher;

        public async Task SyncAsync(CancellationToken ct)
        {
            _watcher ??= new BurnchainWatcher(rpc, _index, Params, events: _events.Writer);
            await _watcher.SyncAsync(int.MaxValue, ct);
            while (_events.Reader.TryRead(out var e))
            {
                store.Handle(e);
            }

            var remote = await rpc.GetBlockchainInfoAsync(ct);
            Assert.Equal(remote.Blocks, store.Tip!.BurnHeight);
            Assert.Equal(remote.BestBlockHash, store.Tip.BurnHeaderHash);
        }
    }

    private sealed class Miner(string name, TestKey key, long budget)
    {
        public string Name { get; } = name;

        public TestKey Key { get; } = key;

        /// <summary>BTC (sats) committed per block: the sum of the commit outputs.</summary>
        public long Budget { get; } = budget;

        public VrfPrivateKey Vrf { get; } = new(SHA256.HashData(Encoding.UTF8.GetBytes("vrf/" + name)));

        public VrfPublicKeyBytes VrfPublic => VrfPublicKeyBytes.FromHex(Vrf.PublicKey.ToHex());

        public (OutPoint Outpoint, TxOut Output) Coin { get; set; }

        public (uint Height, ushort Vtx) KeyPtr { get; set; }

        public Txid PendingTxid { get; set; }
    }

    /// <summary>A P2WPKH key on regtest.</summary>
    private sealed record TestKey(byte[] PrivateKey, byte[] PublicKey, string Address, byte[] Script)
    {
        public static TestKey FromSeed(byte seed)
        {
            var key = SHA256.HashData(new byte[] { seed, 0x42 });
            var pub = BouncySecp256k1.Instance.GetPublicKey(key, compressed: true);
            var script = BitcoinAddress.WitnessProgram(0, Hashes.Hash160(pub));
            Assert.True(BitcoinAddress.TryEncode(script, BitcoinNetwork.Regtest, out var address));
            return new TestKey(key, pub, address, script);
        }
    }
}
