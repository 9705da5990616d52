using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Rpc;
using Blockstack.Stacks;
using Xunit.Abstractions;

namespace Blockstack.Mining.Tests;

/// <summary>
/// The miner on the embedded regtest bitcoind over real JSON-RPC, driven by the node loop of
/// <see cref="MiningHarness"/>: mine a burn block, sync the watcher, run the sortition, apply the
/// winning Stacks block, then a miner round.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MinerRegtestTests(ITestOutputHelper output)
{
    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(120));

    /// <summary>Starts a funded miner and runs it until its key is registered; returns it after a first commit.</summary>
    private static async Task<Miner> StartMinerAsync(MiningHarness h, MinerOptions options, CancellationToken ct, Blockstack.Mining.Tests.ListLogger? logger = null)
    {
        var miner = h.NewMiner(options, logger);
        await h.FundAsync(ct, miner.Keys.Address);
        await miner.InitializeAsync(ct);
        var first = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.KeyRegistered, first.Action);
        var waiting = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.WaitingForKey, waiting.Code);
        await h.StepAsync(ct);
        Assert.True(h.Sortitions.IsVrfKeyRegistered(Burnchain.VrfPublicKeyBytes.FromHex(miner.VrfPublicKey!.ToHex())));
        return miner;
    }

    [Fact]
    public async Task SingleMiner_RegistersKeyCommitsEveryBlockWins_ChainGrowsAndMinesMempoolTransfer()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var miner = await StartMinerAsync(h, h.Options("solo"), ct);

        const int Blocks = 8;
        var results = new List<MinerRoundResult>();
        StacksTransaction? transfer = null;
        for (var i = 0; i < Blocks; i++)
        {
            if (i == 3)
            {
                var from = h.Accounts[0];
                transfer = from.Transfer(h.Parameters, h.Accounts[1].Address, 12_345, 0);
                Assert.Null(h.Mempool.TryAdd(transfer, h.Coordinator.State));
            }

            var r = await miner.RunRoundAsync(ct);
            Assert.Equal(MinerAction.Committed, r.Action);
            Assert.Equal(h.Sortitions.Tip!.BurnHeight + 1, r.TargetBurnHeight);
            results.Add(r);
            var tip = await h.StepAsync(ct);
            Assert.True(tip.Sortition);
            Assert.Equal(r.BlockHash, tip.WinningBlockHash);
            Assert.Equal(r.Txid, tip.WinningTxid);
        }

        await miner.RunRoundAsync(ct); // sees the last win
        output.WriteLine($"commits {miner.Metrics.CommitsSent}, won {miner.Metrics.BlocksWon}, stacks height {h.Coordinator.Tip.Height}");
        Assert.Equal((ulong)Blocks, h.Coordinator.Tip.Height);
        Assert.Equal(Blocks, h.Processed.Count);
        Assert.Equal(Blocks + 1, miner.Metrics.CommitsSent);
        Assert.Equal(Blocks, miner.Metrics.BlocksWon);
        Assert.Equal(1, miner.Metrics.KeyRegistrationsSent);

        // Each block's state root is the one the chain computed when applying it.
        foreach (var outcome in h.Processed)
        {
            var body = h.Coordinator.State.GetBlockBody(outcome.Block!.Id)!;
            Assert.Equal(body.Header.StateIndexRoot.ToArray(), outcome.Block.StateRoot.ToArray());
        }

        // The transfer was mined: in a block, the sender's nonce moved, the mempool is empty.
        var receipt = h.Coordinator.State.GetReceipt(transfer!.Txid);
        Assert.NotNull(receipt);
        Assert.Equal(1UL, h.Coordinator.State.GetAccount(h.Accounts[0].Address).Nonce);
        Assert.Equal(0, h.Mempool.Count);

        // The coinbase goes to the miner's Stacks key: its nonce counts the blocks.
        var minerStx = StacksTestKey.Signer.SingleSigCondition(miner.Keys.StacksKey, 0, 0).Address(TransactionVersion.Testnet);
        Assert.Equal((ulong)Blocks, h.Coordinator.State.GetAccount(minerStx).Nonce);
    }

    [Fact]
    public async Task Commits_SpendThePreviousCommitsChange()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var miner = await StartMinerAsync(h, h.Options("chain", addressType: "p2pkh"), ct);
        Txid? previous = null;
        uint previousChange = 0;
        for (var i = 0; i < 7; i++)
        {
            var r = await miner.RunRoundAsync(ct);
            Assert.Equal(MinerAction.Committed, r.Action);
            var ongoing = miner.State!.Ongoing!;
            if (previous is { } p)
            {
                Assert.Equal(new OutPoint(p, previousChange), new OutPoint(Txid.Parse(ongoing.Inputs[0].Txid), ongoing.Inputs[0].Vout));
            }

            var tip = await h.StepAsync(ct);
            var commit = Assert.Single(h.Sortitions.GetCommits(tip.SortitionId));
            Assert.Equal(r.Txid, commit.Op.Txid);
            if (previous is { } q)
            {
                Assert.Equal(q, commit.Op.Input.Txid);

                // The change follows the commit outputs: vout 2 after a one-output (prepare-phase) commit, 3 after two.
                Assert.Equal(previousChange, commit.Op.Input.Index);
            }

            previous = r.Txid;
            previousChange = ongoing.ChangeVout;
            Assert.Equal((uint)(1 + commit.Op.CommitOutputs.Count), ongoing.ChangeVout);
        }

        // With the chain linked over the whole window the sortition counts every position.
        var last = Assert.Single(h.Sortitions.GetCommits(h.Sortitions.Tip!.SortitionId));
        Assert.True(last.Frequency >= 1);
        Assert.Equal(last.Op.BurnFee, last.Burn);
    }

    [Fact]
    public async Task SameTarget_ChangedBlock_ReplacesWithIncrementUsingSameInputs_UntilCap_ThenNextBlockCommitsAfresh()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var options = h.Options("rbf") with { FeeRate = 10, RbfFeeIncrement = 5, MaxRbfPercent = 150 }; // cap 15: one replacement
        var miner = await StartMinerAsync(h, options, ct);

        var first = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, first.Action);
        Assert.Equal(10UL, first.FeeRate);
        var inputs = miner.State!.Ongoing!.Inputs;

        // Nothing changed: the identical commit is not sent again.
        var same = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.IdenticalCommit, same.Code);

        // A new mempool transaction changes the block: replace-by-fee, +5 sat/vB, same inputs.
        Assert.Null(h.Mempool.TryAdd(h.Accounts[0].Transfer(h.Parameters, h.Accounts[1].Address, 1, 0), h.Coordinator.State));
        var replaced = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Replaced, replaced.Action);
        Assert.Equal(15UL, replaced.FeeRate);
        Assert.Equal(first.TargetBurnHeight, replaced.TargetBurnHeight);
        Assert.NotEqual(first.Txid, replaced.Txid);
        Assert.Equal(inputs, miner.State.Ongoing!.Inputs);
        Assert.Equal([first.Txid!.Value.ToString(), replaced.Txid!.Value.ToString()], miner.State.Ongoing.Txids);
        var pool = await h.MempoolTxidsAsync(ct);
        Assert.Contains(replaced.Txid.Value, pool);
        Assert.DoesNotContain(first.Txid.Value, pool);

        // The next change would need 20 sat/vB > cap 15: RBF stops.
        Assert.Null(h.Mempool.TryAdd(h.Accounts[0].Transfer(h.Parameters, h.Accounts[1].Address, 1, 1), h.Coordinator.State));
        var capped = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.RbfCapReached, capped.Code);
        Assert.Equal(1, miner.Metrics.RbfsSent);

        // The next burn block arrives: the miner keeps working with a fresh commit at the base rate (#2644).
        var tip = await h.StepAsync(ct);
        Assert.Equal(replaced.BlockHash, tip.WinningBlockHash);
        var next = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, next.Action);
        Assert.Equal(10UL, next.FeeRate);
        Assert.Equal(tip.BurnHeight + 1, next.TargetBurnHeight);
        var afterStep = await h.StepAsync(ct);
        Assert.Equal(next.BlockHash, afterStep.WinningBlockHash);
        Assert.Equal(2UL, h.Coordinator.Tip.Height);
    }

    [Fact]
    public async Task ConfirmedCommit_IsNeverReplaced_FreshCommitOnlyForNewTip()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var miner = await StartMinerAsync(h, h.Options("confirmed"), ct);
        var committed = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, committed.Action);

        // The commit is mined, but the node has not processed that burn block yet.
        await h.GenerateAsync(1, h.SinkAddress, ct);
        Assert.Empty(await h.MempoolTxidsAsync(ct));
        Assert.Null(h.Mempool.TryAdd(h.Accounts[0].Transfer(h.Parameters, h.Accounts[1].Address, 1, 0), h.Coordinator.State));
        var again = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.CommitConfirmed, again.Code);
        Assert.Empty(await h.MempoolTxidsAsync(ct));
        Assert.Equal(0, miner.Metrics.RbfsSent);

        // Once the block is processed, the tip is new and a fresh commit follows.
        await h.SyncAsync(ct);
        var fresh = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, fresh.Action);
        Assert.Equal(committed.TargetBurnHeight + 1, fresh.TargetBurnHeight);
    }

    [Fact]
    public async Task Restart_AfterCommit_NewMinerKnowsVrfKeyAndOngoingCommit_ReplacesAndContinues()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var options = h.Options("restart");
        var miner = await StartMinerAsync(h, options, ct);
        var committed = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, committed.Action);
        var vrf = miner.VrfPublicKey;
        var ongoing = miner.State!.Ongoing;

        var restarted = h.NewMiner(options);
        await restarted.InitializeAsync(ct);
        Assert.Equal(vrf, restarted.VrfPublicKey);
        Assert.Equal(ongoing!.Txids, restarted.State!.Ongoing!.Txids);
        Assert.Equal(ongoing.Inputs, restarted.State.Ongoing.Inputs);

        // Same tip, same block: nothing to send; a changed block: RBF on the same inputs.
        Assert.Equal(MinerSkipCodes.IdenticalCommit, (await restarted.RunRoundAsync(ct)).Code);
        Assert.Null(h.Mempool.TryAdd(h.Accounts[0].Transfer(h.Parameters, h.Accounts[1].Address, 1, 0), h.Coordinator.State));
        var replaced = await restarted.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Replaced, replaced.Action);
        Assert.Equal(ongoing.Inputs, restarted.State.Ongoing.Inputs);

        // It wins that target with the replacement's block and keeps mining; no second key registration.
        var tip = await h.StepAsync(ct);
        Assert.Equal(replaced.BlockHash, tip.WinningBlockHash);
        var next = await restarted.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, next.Action);
        Assert.Equal(0, restarted.Metrics.KeyRegistrationsSent);
        Assert.Equal(1, restarted.Metrics.BlocksWon);
        await h.StepAsync(ct);
        Assert.Equal(2UL, h.Coordinator.Tip.Height);
    }

    [Fact]
    public async Task TwoMiners_DifferentBudgets_BothRegisterAndCommitEveryBlock_LoserKeepsCommitting()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var a = h.NewMiner(h.Options("big", burn: 30_000));
        var b = h.NewMiner(h.Options("small", addressType: "p2pkh", burn: 10_000));
        await h.FundAsync(ct, a.Keys.Address, b.Keys.Address);
        await a.InitializeAsync(ct);
        await b.InitializeAsync(ct);
        Assert.Equal(MinerAction.KeyRegistered, (await a.RunRoundAsync(ct)).Action);
        Assert.Equal(MinerAction.KeyRegistered, (await b.RunRoundAsync(ct)).Action);
        var keyBlock = await h.StepAsync(ct);
        Assert.Equal(2, h.Sortitions.GetLeaderKeys(keyBlock.SortitionId).Count);

        const int Blocks = 10;
        for (var i = 0; i < Blocks; i++)
        {
            var ra = await a.RunRoundAsync(ct);
            var rb = await b.RunRoundAsync(ct);
            Assert.Equal(MinerAction.Committed, ra.Action);
            Assert.Equal(MinerAction.Committed, rb.Action);
            var tip = await h.StepAsync(ct);
            var commits = h.Sortitions.GetCommits(tip.SortitionId);
            Assert.Equal(2, commits.Count);
            Assert.Contains(commits, c => c.Op.Txid == ra.Txid && c.Op.BurnFee == 30_000);
            Assert.Contains(commits, c => c.Op.Txid == rb.Txid && c.Op.BurnFee == 10_000);
            Assert.True(tip.Sortition);
        }

        await a.RunRoundAsync(ct);
        await b.RunRoundAsync(ct);
        output.WriteLine($"A won {a.Metrics.BlocksWon}, B won {b.Metrics.BlocksWon} of {Blocks}");
        Assert.Equal(Blocks, a.Metrics.BlocksWon + b.Metrics.BlocksWon);
        Assert.Equal((ulong)Blocks, h.Coordinator.Tip.Height);
        Assert.Equal(Blocks + 1, a.Metrics.CommitsSent);
        Assert.Equal(Blocks + 1, b.Metrics.CommitsSent);
    }

    [Fact]
    public async Task Unfunded_SkipsWithInsufficientFunds_AndLogs()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var logger = new ListLogger();
        var miner = h.NewMiner(h.Options("poor"), logger);
        await h.FundAsync(ct); // maturity blocks only; nothing for this miner
        var r = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Skipped, r.Action);
        Assert.Equal(MinerSkipCodes.InsufficientFunds, r.Code);
        Assert.Contains("do not cover", r.Reason, StringComparison.Ordinal);
        Assert.Contains(logger.Lines, l => l.Contains(MinerSkipCodes.InsufficientFunds, StringComparison.Ordinal));
        Assert.Equal(1, miner.Metrics.RoundsSkipped);
    }

    [Fact]
    public async Task BitcoindDown_SkipsWithUnavailable_NeverThrows_ThenRecovers()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var options = h.Options("offline");
        await h.FundAsync(ct);
        var closedPort = System.Net.Sockets.TcpListener.Create(0);
        closedPort.Start();
        var port = ((System.Net.IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop(); // nothing listens there now
        using var down = new BitcoinRpcClient(new BitcoinRpcOptions
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}/"),
            User = "u",
            Password = "p",
            MaxAttempts = 1,
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        var logger = new ListLogger();
        var offline = h.NewMiner(options, logger, down);
        var r = await offline.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.BitcoindUnavailable, r.Code);
        Assert.False(offline.IsInitialized);
        Assert.Contains(logger.Lines, l => l.Contains(MinerSkipCodes.BitcoindUnavailable, StringComparison.Ordinal));

        // The same state directory with bitcoind reachable: initializes and registers the key.
        var online = h.NewMiner(options);
        await h.GenerateAsync(1, online.Keys.Address, ct);
        await h.GenerateAsync(100, h.SinkAddress, ct);
        await h.SyncAsync(ct);
        Assert.Equal(MinerAction.KeyRegistered, (await online.RunRoundAsync(ct)).Action);
    }

    [Fact]
    public async Task MissingWallet_OnRegtestIsCreated_AndImportIsIdempotent()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var options = h.Options("wallet");
        var miner = h.NewMiner(options);
        await miner.InitializeAsync(ct);
        Assert.Contains(options.WalletName, await h.Rpc.ListWalletsAsync(ct));
        var again = h.NewMiner(options);
        await again.InitializeAsync(ct);
        Assert.Equal(miner.VrfPublicKey, again.VrfPublicKey);
    }

    [Fact]
    public async Task KeyRegistration_ReorgedOut_IsNotUsed_UntilMinedAgain()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var miner = h.NewMiner(h.Options("reorg"));
        await h.FundAsync(ct, miner.Keys.Address);
        Assert.Equal(MinerAction.KeyRegistered, (await miner.RunRoundAsync(ct)).Action);
        var keyBlock = await h.StepAsync(ct);
        var vrf = Burnchain.VrfPublicKeyBytes.FromHex(miner.VrfPublicKey!.ToHex());
        Assert.NotNull(h.Sortitions.FindRegisteredKey(vrf));

        // The block holding the registration is invalidated: the key leaves the canonical fork.
        using (await h.Rpc.CallAsync("invalidateblock", [keyBlock.BurnHeaderHash.ToString()], ct))
        {
        }

        await h.SyncAsync(ct);
        Assert.Null(h.Sortitions.FindRegisteredKey(vrf));
        var waiting = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerSkipCodes.WaitingForKey, waiting.Code);

        // The registration went back to bitcoind's mempool; the next block mines it again (to
        // another address: the same coinbase in the same second would rebuild the invalid block).
        await h.GenerateAsync(1, miner.Keys.Address, ct);
        await h.SyncAsync(ct);
        Assert.NotNull(h.Sortitions.FindRegisteredKey(vrf));
        var committed = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, committed.Action);
        Assert.Equal(1, miner.Metrics.KeyRegistrationsSent);
        var tip = await h.StepAsync(ct);
        Assert.Equal(committed.BlockHash, tip.WinningBlockHash);
    }

    [Fact]
    public async Task KeyRegistration_NeverMined_IsSentAgainAfterTimeout_WithTheSameVrfKey()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var rpc = new DroppingRpc(h.Rpc) { DropSends = true };
        var miner = h.NewMiner(h.Options("lost") with { KeyRegisterTimeoutBlocks = 2 }, rpc: rpc);
        await h.FundAsync(ct, miner.Keys.Address);
        Assert.Equal(MinerAction.KeyRegistered, (await miner.RunRoundAsync(ct)).Action);
        Assert.Equal(1, rpc.Dropped);
        var vrf = miner.VrfPublicKey;

        // Two burn blocks without it: still waiting after one, sent again after two.
        await h.StepAsync(ct);
        Assert.Equal(MinerSkipCodes.WaitingForKey, (await miner.RunRoundAsync(ct)).Code);
        await h.StepAsync(ct);
        rpc.DropSends = false;
        var again = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.KeyRegistered, again.Action);
        Assert.Equal(2, miner.State!.KeyRegistration!.Attempts);
        Assert.Equal(vrf, miner.VrfPublicKey);

        await h.StepAsync(ct);
        Assert.NotNull(h.Sortitions.FindRegisteredKey(Burnchain.VrfPublicKeyBytes.FromHex(vrf!.ToHex())));
        Assert.Equal(MinerAction.Committed, (await miner.RunRoundAsync(ct)).Action);
        Assert.Null(miner.State.KeyRegistration);
        Assert.Equal(2, miner.Metrics.KeyRegistrationsSent);
    }

    [Fact]
    public async Task WonBlock_NodeLostItsStagedCopy_MinerHandsItOverWithTheConsensusHash()
    {
        using var cts = Timeout();
        var ct = cts.Token;
        await using var h = await MiningHarness.StartAsync(ct);
        var options = h.Options("handover");
        var miner = await StartMinerAsync(h, options, ct);
        var committed = await miner.RunRoundAsync(ct);
        Assert.Equal(MinerAction.Committed, committed.Action);

        // The node restarts (its staging area is gone) and so does the miner; the sortition elects the block.
        h.Staged.Clear();
        var restarted = h.NewMiner(options);
        await restarted.InitializeAsync(ct);
        var tip = await h.StepAsync(ct);
        Assert.Equal(committed.BlockHash, tip.WinningBlockHash);
        Assert.Equal(0UL, h.Coordinator.Tip.Height);

        // The next round hands the won block over with its sortition's consensus hash, then commits on it.
        var next = await restarted.RunRoundAsync(ct);
        Assert.Equal(1, restarted.Metrics.BlocksWon);
        Assert.Equal(1UL, h.Coordinator.Tip.Height);
        Assert.Equal(committed.BlockHash, h.Coordinator.Tip.BlockHash);
        Assert.Equal(tip.ConsensusHash, h.Coordinator.Tip.ConsensusHash);
        Assert.Equal(MinerAction.Committed, next.Action);
        Assert.Equal(tip.BurnHeight + 1, next.TargetBurnHeight);
    }
}
