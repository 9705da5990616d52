using System.Buffers.Binary;
using System.Security.Cryptography;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Addresses;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Bitcoin.Signing;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain;
using Blockstack.Burnchain.Ops;
using Blockstack.Chain;
using Blockstack.Stacks;
using Blockstack.Stacks.Vrf;

namespace Blockstack.Node.Runtime.Tests;

/// <summary>A Stacks key with its testnet address (regtest uses testnet addresses).</summary>
internal sealed record TestStacksKey(StacksPrivateKey Key, StacksAddress Address)
{
    public static readonly StacksSigner Signer = new(BouncySecp256k1.Instance);

    public StandardPrincipal Principal => new(Address);

    public static TestStacksKey FromSeed(int seed)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), seed + 1);
        bytes[0] = 0x21;
        var key = new StacksPrivateKey(bytes, compressed: true);
        return new TestStacksKey(key, Signer.SingleSigCondition(key, 0, 0).Address(TransactionVersion.Testnet));
    }

    public StacksTransaction Transfer(ChainParameters parameters, StacksAddress to, ulong amount, ulong nonce, ulong fee = 1000)
    {
        var tx = new StacksTransaction(
            parameters.TransactionVersion, parameters.ChainId,
            new TransactionAuth(Signer.SingleSigCondition(Key, nonce, fee), null),
            AnchorMode.Any, PostConditionMode.Allow, [], new TokenTransferPayload(new StandardPrincipal(to), amount, new byte[34]));
        return Signer.SignOrigin(tx, Key);
    }
}

/// <summary>
/// A test-only Stacks miner over the embedded regtest bitcoind (the real miner is another
/// project): a P2WPKH coin, a VRF key registered on Bitcoin, and per tenure a block on the
/// runtime's canonical tip (coinbase + given transactions, state root from
/// <see cref="ChainCoordinator.TryComputeStateRoot"/>) whose hash goes out in a signed
/// LeaderBlockCommit paying the expected recipients (or burning), chained on its previous change.
/// </summary>
internal sealed class TestMiner
{
    public static readonly PoxAddress BurnAddress = PoxAddress.Legacy(false, false, Hash160Bytes.Zero);
    private const long TxFee = 2_000;
    private const long Budget = 20_000;
    private readonly RegtestChain _chain;
    private readonly byte[] _btcKey;
    private readonly byte[] _script;
    private readonly VrfPrivateKey _vrf;
    private (OutPoint Outpoint, TxOut Output) _coin;
    private (uint Height, ushort Vtx) _keyPtr;

    public TestMiner(RegtestChain chain, int seed)
    {
        _chain = chain;
        _btcKey = SHA256.HashData([(byte)seed, 0x42, 0x07]);
        var pub = BouncySecp256k1.Instance.GetPublicKey(_btcKey, compressed: true);
        _script = BitcoinAddress.WitnessProgram(0, Hashes.Hash160(pub));
        Assert.True(BitcoinAddress.TryEncode(_script, BitcoinNetwork.Regtest, out var address));
        Address = address;
        _vrf = new VrfPrivateKey(SHA256.HashData([(byte)seed, 0x56, 0x52, 0x46]));
        StacksKey = TestStacksKey.FromSeed(10_000 + seed);
    }

    /// <summary>Bitcoin address of the miner's coin.</summary>
    public string Address { get; }

    public TestStacksKey StacksKey { get; }

    /// <summary>An address nobody spends from, for blocks without the miner's coinbase.</summary>
    public static string SinkAddress { get; } = SinkOf();

    /// <summary>Mines one coinbase to the miner and 100 blocks on top so it matures (tip = start + 101).</summary>
    public async Task FundAsync(CancellationToken ct)
    {
        var hash = (await _chain.GenerateAsync(1, Address, ct))[0];
        var raw = await _chain.Rpc.GetRawBlockAsync(hash, ct) ?? throw new InvalidOperationException("mined block not found");
        Assert.True(Block.TryParse(raw, out var block, out var error), error);
        var coinbase = block.Transactions[0];
        var vout = Enumerable.Range(0, coinbase.Outputs.Count).First(i => coinbase.Outputs[i].ScriptPubKey.Span.SequenceEqual(_script));
        _coin = (new OutPoint(coinbase.Txid, (uint)vout), coinbase.Outputs[vout]);
        await _chain.GenerateAsync(100, SinkAddress, ct);
    }

    /// <summary>Sends the VRF key registration and mines it; the runtime must be synced to the tip.</summary>
    public async Task RegisterKeyAsync(RuntimeHost host, CancellationToken ct)
    {
        var runtime = host.Runtime;
        var tip = runtime.Sortitions.Tip!;
        var ch = new Burnchain.ConsensusHash(new Hash160Bytes(tip.ConsensusHash.Hash.ToArray()));
        var key = VrfPublicKeyBytes.FromHex(_vrf.PublicKey.ToHex());
        var op = new LeaderKeyRegisterOp(ch, key, ByteString.Empty, default, 0, 0, default);
        var txid = await SendAsync(BurnOpEncoder.OpReturnScript(runtime.NetworkParameters.Burnchain, op), [], ct);
        await _chain.GenerateAsync(1, SinkAddress, ct);
        await host.WaitSyncedAsync(_chain, ct);
        var snapshot = runtime.Sortitions.Tip!;
        var registered = Assert.Single(runtime.Sortitions.GetLeaderKeys(snapshot.SortitionId), k => k.Txid == txid);
        _keyPtr = ((uint)registered.BlockHeight, (ushort)registered.Vtxindex);
    }

    /// <summary>
    /// Builds the next tenure's block on the runtime's canonical tip and sends its commit (not yet
    /// mined). <paramref name="tamper"/> changes the block after its state root was computed (an
    /// invalid block whose hash is still committed).
    /// </summary>
    public async Task<StacksBlock> CommitAsync(NodeRuntime runtime, IReadOnlyList<StacksTransaction>? txs, CancellationToken ct, Func<StacksBlock, StacksBlock>? tamper = null)
    {
        var parameters = runtime.ChainParameters;
        var tip = runtime.Sortitions.Tip!;
        var height = tip.BurnHeight + 1;
        var parent = runtime.Coordinator.Tip;
        var parentFacts = parent.IsGenesis ? null : runtime.SortitionView.GetSortition(parent.ConsensusHash);
        var proof = EcVrf.Prove(_vrf, tip.SortitionHash.Hash.ToArray());
        var nonce = runtime.Chain.GetAccountAt(parent.Id, StacksKey.Principal)!.Value.Nonce;
        var coinbase = new StacksTransaction(
            parameters.TransactionVersion, parameters.ChainId,
            new TransactionAuth(TestStacksKey.Signer.SingleSigCondition(StacksKey.Key, nonce, 0), null),
            AnchorMode.OnChainOnly, PostConditionMode.Allow, [], new CoinbasePayload(Hash256.Zero, null));
        var all = new List<StacksTransaction> { TestStacksKey.Signer.SignOrigin(coinbase, StacksKey.Key) };
        all.AddRange(txs ?? []);
        var header = new StacksBlockHeader(
            1, parentFacts?.TotalBurn ?? 0, parent.Height + 1, proof,
            parent.IsGenesis ? SortitionFacts.FirstBlockHash : parent.BlockHash, Hash256.Zero, 0,
            Stacks.MerkleTree.TransactionRoot(all.Select(t => t.Txid)), Hash256.Zero, Hash160.Zero);
        var block = new StacksBlock(header, all);

        ulong missed = 0;
        for (var s = tip; !s.IsFirst && !s.Sortition; s = runtime.Sortitions.GetSnapshot(s.ParentSortitionId)!)
        {
            missed++;
        }

        var facts = new SortitionFacts(default, height, default, _vrf.PublicKey, tip.SortitionHash.Hash, parent.ConsensusHash, 0, missed);
        var ops = tip.IsFirst ? [] : runtime.SortitionView.GetBurnOperations(tip.ConsensusHash).Where(o => o.BurnHeight + SortitionStoreView.BurnOperationWindow > height).ToList();
        Assert.True(runtime.Coordinator.TryComputeStateRoot(parent.Id, block, facts, ops, out var root, out var why), $"block does not apply: {why}");
        block = block with { Header = header with { StateIndexRoot = new Hash256(root.ToArray()) } };
        if (tamper is not null)
        {
            block = tamper(block);
        }

        (uint Height, ushort Vtx) parentPtr = (0, 0);
        if (!parent.IsGenesis)
        {
            var won = runtime.Sortitions.GetSnapshotByConsensusHash(parent.ConsensusHash)!;
            parentPtr = ((uint)won.BurnHeight, (ushort)runtime.Sortitions.GetDetails(won.SortitionId)!.Winner!.Op.Vtxindex);
        }

        var pox = runtime.NetworkParameters.Pox;
        var recipients = runtime.Sortitions.GetNextBlockRecipients();
        PoxAddress[] outputs = pox.IsInPreparePhase(height) ? [BurnAddress]
            : recipients is null ? [BurnAddress, BurnAddress]
            : [.. recipients.Recipients.Select(r => r.Address)];
        if (outputs.Length == 1 && !pox.IsInPreparePhase(height))
        {
            outputs = [outputs[0], BurnAddress];
        }

        var burnchain = runtime.NetworkParameters.Burnchain;
        var commit = new LeaderBlockCommitOp(
            block.BlockHash.Hash, proof.Seed, parentPtr.Height, parentPtr.Vtx, _keyPtr.Height, _keyPtr.Vtx,
            burnchain.EpochAt(height).CommitMemoMarker(), (byte)((height - 1) % 5), (ulong)Budget, 0,
            new ValueList<PoxAddress>(outputs), default, null, default, 0, height, default);
        var each = Budget / outputs.Length;
        await SendAsync(BurnOpEncoder.OpReturnScript(burnchain, commit), [.. outputs.Select(o => (each, o.ToScriptPubKey()))], ct);
        return block;
    }

    private async Task<Txid> SendAsync(byte[] opReturn, (long Value, byte[] Script)[] payments, CancellationToken ct)
    {
        var builder = new TransactionBuilder().AddInput(_coin.Outpoint, _coin.Output).AddOutput(0, opReturn);
        foreach (var (value, script) in payments)
        {
            builder.AddOutput(value, script);
        }

        builder.AddOutput(_coin.Output.Value - payments.Sum(p => p.Value) - TxFee, _script);
        var keys = new KeyRing(BouncySecp256k1.Instance);
        keys.Add(_btcKey);
        var signed = builder.Sign(new TransactionSigner(BouncySecp256k1.Instance), keys);
        Assert.True(signed.IsComplete, string.Join("; ", signed.InputErrors));
        var tx = signed.Transaction;
        using var reply = await _chain.Rpc.CallAsync("sendrawtransaction", [Convert.ToHexStringLower(tx.ToBytes())], ct);
        Assert.Equal(tx.Txid.ToString(), reply.RootElement.GetString());
        var change = (uint)(tx.Outputs.Count - 1);
        _coin = (new OutPoint(tx.Txid, change), tx.Outputs[(int)change]);
        return tx.Txid;
    }

    private static string SinkOf()
    {
        var pub = BouncySecp256k1.Instance.GetPublicKey(SHA256.HashData("runtime-tests-sink"u8), compressed: true);
        Assert.True(BitcoinAddress.TryEncode(BitcoinAddress.WitnessProgram(0, Hashes.Hash160(pub)), BitcoinNetwork.Regtest, out var address));
        return address;
    }
}

/// <summary>Where a tenure's block is staged relative to its sortition.</summary>
internal enum StageAt
{
    BeforeSortition,
    AfterSortition,
    Never,
}

internal static class Tenures
{
    /// <summary>One tenure: commit, stage (before/after the burn block), mine the burn block, wait until processed.</summary>
    public static async Task<StacksBlock> MineAsync(RegtestChain chain, RuntimeHost host, TestMiner miner, StageAt stage, CancellationToken ct, IReadOnlyList<StacksTransaction>? txs = null)
    {
        var runtime = host.Runtime;
        await host.WaitSyncedAsync(chain, ct);
        var block = await miner.CommitAsync(runtime, txs, ct);
        if (stage == StageAt.BeforeSortition)
        {
            Assert.Null(runtime.StageBlock(block));
        }

        await chain.GenerateAsync(1, TestMiner.SinkAddress, ct);
        await host.WaitSyncedAsync(chain, ct);
        Assert.Equal(block.BlockHash, runtime.Sortitions.Tip!.WinningBlockHash);
        if (stage == StageAt.AfterSortition)
        {
            Assert.Null(runtime.StageBlock(block));
        }

        if (stage != StageAt.Never)
        {
            await host.WaitUntilAsync(() => runtime.Chain.Tip.BlockHash == block.BlockHash, $"Stacks block {block.BlockHash}");
        }

        return block;
    }
}
