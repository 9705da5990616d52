using System.Globalization;
using System.Text;
using Blockstack.Bitcoin.Crypto;
using Blockstack.Cli;
using Blockstack.Node.Hosting;
using Blockstack.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;
using CliRunner = Blockstack.Node.E2E.Tests.Cli;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// The peer network as real processes (docs/e2e.md, "Cluster tests"): miners A and B (budgets 1:3)
/// and follower F on one standalone regtest burnchain, peered through <c>[p2p]</c>, plus a late
/// node and a restarted one. Each test says its steps; every wait is bounded and fails with the
/// log tails of every process.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Slow")]
public sealed class PeerClusterTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan ConvergeBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ConfirmBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(150);

    /// <summary>Contested sortitions (both miners committed) the win-share check needs at least.</summary>
    private const int MinContested = 40;

    private readonly Cluster _cluster = Attach(fixture, output);

    [Fact]
    public async Task TwoMinersAndAFollower_TransactionsAndNamesThroughDifferentNodes_AllConvergeAndWinSharesFollowBudgets()
    {
        var a = _cluster["A"];
        var b = _cluster["B"];
        var f = _cluster["F"];
        var transfers = new List<(string Via, SignedTx Tx)>();
        var nameOwner = RegtestProfile.Account(4);
        var name = new BnsName("alice", "clu");
        var zonefile = Encoding.UTF8.GetBytes("$ORIGIN alice.clu\n$TTL 3600\n_http._tcp URI 10 1 \"https://alice.example/cluster\"\n");
        var zonefileHash = Hashes.Hash160(zonefile);
        var zonefileHex = Convert.ToHexStringLower(zonefileHash);

        // 0. The three nodes found each other through their bootstrap peers.
        await _cluster.WaitPeersAsync([a, b, f], 2, TimeSpan.FromSeconds(60));

        await using (var driver = _cluster.StartDriver())
        {
            // 1. Transfers submitted to A, B and F (one sender each, so nonces never race).
            foreach (var (via, account) in new[] { (a, 0), (b, 1), (f, 2) })
            {
                var sender = RegtestProfile.Account(account);
                var nonce = (await via.Node.GetAccountAsync(new GetAccountRequest { Principal = sender.Address })).Nonce;
                for (var i = 0UL; i < 3; i++)
                {
                    var tx = ClusterTransactions.Transfer(sender, ClusterTransactions.Recipient($"{via.Name}-{i}"), 1_000_000 + i, nonce + i);
                    var submitted = await via.Node.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(tx.Bytes) });
                    Assert.Equal(tx.Txid, submitted.Txid);
                    transfers.Add((via.Name, tx));
                }
            }

            _cluster.Log($"step 1: 9 transfers submitted, 3 each to A, B and F");

            // 2. The namespace, by the CLI through miner B.
            var nsOwner = RegtestProfile.Account(3);
            await RunCli("bns", "namespace", "preorder", "clu", "--key", nsOwner.PrivateKeyHex, "--node", b.GrpcAddress, "--wait", "--poll-interval", "0.5");
            await RunCli("bns", "namespace", "reveal", "clu", "--key", nsOwner.PrivateKeyHex, "--node", b.GrpcAddress, "--base", "4", "--coeff", "250", "--buckets", "7,6,5,4,3,2,1,1,1,1,1,1,1,1,1,1", "--nonalpha-discount", "4", "--no-vowel-discount", "4", "--lifetime", "5000", "--wait", "--poll-interval", "0.5");
            await RunCli("bns", "namespace", "ready", "clu", "--key", nsOwner.PrivateKeyHex, "--node", b.GrpcAddress, "--wait", "--poll-interval", "0.5");
            _cluster.Log("step 2: namespace clu created through B (CLI)");

            // 3. The name, preorder and register submitted to follower F; its zonefile put on miner A.
            var price = await _cluster.WaitForAsync("F to price alice.clu (it knows the namespace)", ConfirmBound, async () =>
                await f.Bns.GetNamePriceAsync(new GetNamePriceRequest { Name = name.Fqn }));
            var ustx = ulong.Parse(price.AmountUstx, NumberStyles.None, CultureInfo.InvariantCulture);
            var salt = Encoding.ASCII.GetBytes("cluster-salt");
            var ownerNonce = (await f.Node.GetAccountAsync(new GetAccountRequest { Principal = nameOwner.Address })).Nonce;
            var preorder = ClusterTransactions.NamePreorder(nameOwner, name, salt, ustx, ownerNonce);
            await f.Node.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(preorder.Bytes) });
            await WaitConfirmed(f, preorder.Txid, "the name-preorder (submitted to F)");
            var register = ClusterTransactions.NameRegister(nameOwner, name, salt, zonefileHash, ownerNonce + 1);
            await f.Node.SubmitTransactionAsync(new SubmitTransactionRequest { RawTransaction = ByteString.CopyFrom(register.Bytes) });
            await WaitConfirmed(f, register.Txid, "the name-register (submitted to F)");
            await _cluster.WaitForAsync("A to resolve alice.clu with the zonefile hash", ConfirmBound, async () =>
            {
                var r = await a.Bns.ResolveNameAsync(new ResolveNameRequest { Name = name.Fqn });
                return r.ZonefileHash == zonefileHex ? r : null;
            });
            var put = await a.Bns.PutZonefileAsync(new PutZonefileRequest { Content = ByteString.CopyFrom(zonefile) });
            Assert.Equal(zonefileHex, put.ZonefileHash);
            Assert.Contains(name.Fqn, put.Names);
            _cluster.Log("step 3: alice.clu registered through F, its zonefile put on A");

            // 4. Enough history: a Stacks chain of 20+ blocks and enough contested sortitions for the share check.
            await _cluster.WaitForAsync("a Stacks tip of 20+ and 45+ driven burn blocks", TimeSpan.FromSeconds(150), async () =>
            {
                var info = await b.TryGetInfoAsync();
                return info is { StacksTipHeight: >= 20 } && driver.Blocks >= 45 ? info : null;
            });
        }

        // 5. Burn blocks stop: A, B and F (and R, while it runs) end on one tip and state root.
        var converged = await _cluster.WaitConvergedAsync("after transactions and names", ConvergeBound);
        Assert.Subset(converged.Select(x => x.Node.Name).ToHashSet(), new HashSet<string> { "A", "B", "F" });
        Assert.True(converged[0].Info.StacksTipHeight >= 20, $"Stacks tip {converged[0].Info.StacksTipHeight}");

        // Every transfer is confirmed in the same block on every node.
        foreach (var (via, tx) in transfers)
        {
            var receipts = new List<string>();
            foreach (var node in _cluster.Running)
            {
                var status = await node.Node.GetTransactionAsync(new GetTransactionRequest { Txid = tx.Txid });
                Assert.True(status.Status == TransactionStatus.Types.Status.Confirmed, $"transfer {tx.Txid} (submitted to {via}) is {status.Status} on {node.Name} {status.DroppedReason}\n{_cluster.Tails()}");
                Assert.Equal("success", status.Receipt.Status);
                receipts.Add(status.Receipt.IndexBlockHash);
            }

            Assert.Single(receipts.Distinct());
        }

        // 6. Every node resolves the name the same way and serves its zonefile (replicated from A).
        ResolveNameResponse? first = null;
        foreach (var node in _cluster.Running)
        {
            var resolved = await _cluster.WaitForAsync($"{node.Name} to serve alice.clu's zonefile", TimeSpan.FromSeconds(60), async () =>
            {
                var r = await node.Bns.ResolveNameAsync(new ResolveNameRequest { Name = name.Fqn });
                return r.Zonefile.Length > 0 ? r : null;
            });
            Assert.Equal(nameOwner.Address, resolved.Owner);
            Assert.Equal(zonefileHex, resolved.ZonefileHash);
            Assert.Equal(zonefile, resolved.Zonefile.ToByteArray());
            var byHash = await node.Bns.GetZonefileAsync(new GetZonefileRequest { ZonefileHash = zonefileHex });
            Assert.Equal(zonefile, byHash.Content.ToByteArray());
            var ns = await node.Bns.GetNamespaceAsync(new GetNamespaceRequest { Namespace = "clu" });
            Assert.Equal("clu", ns.Namespace_);
            Assert.Equal(first ?? resolved, resolved);
            first ??= resolved;
        }

        // 7. Win shares follow the budgets.
        await CheckWinShares(converged[0].Info.BurnHeight, f);
    }

    [Fact]
    public async Task LateNode_EmptyDataDirectoryAfter20StacksBlocks_CatchesUpToTheSameTipWhileMiningContinues()
    {
        await MineUntilStacksHeight(20);
        var late = _cluster.Add(new ClusterNodeSpec("L"));
        _cluster.WriteConfig(late);
        try
        {
            await using (var driver = _cluster.StartDriver())
            {
                late.Start();
                await _cluster.WaitServingAsync([late]);
                await _cluster.WaitPeersAsync([late], 1, TimeSpan.FromSeconds(60));
                await driver.WaitBlocksAsync(5, TimeSpan.FromSeconds(60));
            }

            var converged = await _cluster.WaitConvergedAsync("with the late node", ConvergeBound);
            Assert.Contains(converged, x => x.Node == late);
            Assert.True(converged[0].Info.StacksTipHeight >= 20, $"Stacks tip {converged[0].Info.StacksTipHeight}");
        }
        finally
        {
            // The late node leaves, so a failure here does not spill into the other tests.
            await _cluster.StopAsync(late);
        }
    }

    [Fact]
    public async Task KilledNode_SigkillAndRestartWhileMiningContinues_RejoinsOnTheSameTip()
    {
        // R has followed the chain since the fixture started; it is killed only here.
        var node = _cluster["R"];
        Assert.True(node.IsRunning, "R is not running (an earlier run of this test stopped it)");
        try
        {
            await _cluster.MineAsync(2);
            var before = await _cluster.WaitConvergedAsync("with R, before the kill", ConvergeBound);
            Assert.Contains(before, x => x.Node == node);
            await using (var driver = _cluster.StartDriver())
            {
                await driver.WaitBlocksAsync(2, TimeSpan.FromSeconds(60));
                await _cluster.KillAsync(node);
                await driver.WaitBlocksAsync(4, TimeSpan.FromSeconds(60));
                node.Start();
                await _cluster.WaitServingAsync([node]);
                await _cluster.WaitPeersAsync([node], 1, TimeSpan.FromSeconds(60));
                await driver.WaitBlocksAsync(4, TimeSpan.FromSeconds(60));
            }

            var after = await _cluster.WaitConvergedAsync("after R's SIGKILL and restart", ConvergeBound);
            Assert.Contains(after, x => x.Node == node);
            Assert.True(after[0].Info.StacksTipHeight > before[0].Info.StacksTipHeight, "no Stacks block while R was down or restarting");
        }
        finally
        {
            // R leaves, so a failure here does not spill into the other tests.
            await _cluster.StopAsync(node);
        }
    }

    [Fact]
    public async Task BurnchainReorg_InvalidateAndLongerFork_AllNodesEndOnTheSameTip()
    {
        await _cluster.MineAsync(4);
        var before = await _cluster.WaitConvergedAsync("before the reorg", ConvergeBound);
        var height = await _cluster.Rpc.GetBlockCountAsync();
        var forkPoint = height - 2;
        var orphan = await _cluster.Rpc.GetBlockHashAsync(forkPoint);
        var orphaned = new List<(ulong Height, Sortition Sortition)>();
        for (var h = forkPoint; h <= height; h++)
        {
            orphaned.Add((h, await before[0].Node.Node.GetSortitionAsync(new GetSortitionRequest { BurnHeight = h })));
        }

        Assert.Equal(orphan, orphaned[0].Sortition.BurnBlockHash);

        // Three burn blocks disappear; five new ones make the longer fork.
        await _cluster.Rpc.CallAsync("invalidateblock", orphan);
        Assert.Equal(forkPoint - 1, await _cluster.Rpc.GetBlockCountAsync());
        _cluster.Log($"invalidated burn blocks {forkPoint}..{height} (from {orphan}); mining a longer fork");
        await _cluster.MineAsync(5);

        var after = await _cluster.WaitConvergedAsync("after the reorg", ConvergeBound);
        Assert.Equal(height + 2, after[0].Info.BurnHeight);
        foreach (var (node, info) in after)
        {
            foreach (var (h, old) in orphaned)
            {
                var now = await node.Node.GetSortitionAsync(new GetSortitionRequest { BurnHeight = h });
                Assert.Equal(await _cluster.Rpc.GetBlockHashAsync(h), now.BurnBlockHash);
                Assert.NotEqual(old.BurnBlockHash, now.BurnBlockHash);
                if (old.Sortition_)
                {
                    // A block elected only on the orphaned burn blocks is no longer canonical anywhere.
                    var id = Blockstack.Stacks.StacksBlockId.Of(
                        Blockstack.Stacks.StacksBlockHash.Parse(old.WinningBlockHash),
                        new Blockstack.Stacks.ConsensusHash(Blockstack.Stacks.Hash160.FromHex(old.ConsensusHash))).ToString();
                    try
                    {
                        var block = await node.Node.GetBlockAsync(new GetBlockRequest { IndexBlockHash = id });
                        Assert.False(block.Canonical, $"{node.Name}: block {id} of orphaned burn block {h} is still canonical");
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                    {
                    }
                }
            }

            var tip = await node.Node.GetBlockAsync(new GetBlockRequest { IndexBlockHash = info.StacksTipIndexBlockHash });
            Assert.True(tip.Canonical, $"{node.Name}'s tip block is not canonical");
            Assert.True(tip.BurnHeight <= info.BurnHeight, $"{node.Name}'s tip was elected at burn {tip.BurnHeight}, past the burn tip {info.BurnHeight}");
        }
    }

    [Fact]
    public async Task RoguePeer_PushesInvalidBlocks_IsBannedAndNoNodeChanges()
    {
        await _cluster.MineAsync(2);
        var before = await _cluster.WaitConvergedAsync("before the rogue peer", ConvergeBound);
        var target = _cluster["A"];
        var tipInfo = before.Single(x => x.Node == target).Info;
        var genesis = await target.Node.GetBlockAsync(new GetBlockRequest { Height = 0 });
        var tips = new ChainTips
        {
            BurnHeight = tipInfo.BurnHeight,
            BurnBlockHash = tipInfo.BurnBlockHash,
            ConsensusHash = tipInfo.ConsensusHash,
            StacksTipHeight = tipInfo.StacksTipHeight,
            StacksTipIndexBlockHash = tipInfo.StacksTipIndexBlockHash,
        };
        var tipBlock = await target.Node.GetBlockAsync(new GetBlockRequest { IndexBlockHash = tipInfo.StacksTipIndexBlockHash });

        // 1. A well-behaved handshake is answered with the node's identity and a session.
        var roguePort = _cluster.FreePort();
        using var rogue = new RoguePeer(target.P2pAddress, $"127.0.0.1:{roguePort}");
        var hello = await rogue.HandshakeAsync(rogue.Hello(genesis.StateRoot, tips));
        Assert.Equal(RoguePeer.RegtestNetworkId, hello.NetworkId);
        Assert.Equal(genesis.StateRoot, hello.GenesisStateRoot);
        Assert.NotEqual(rogue.NodeId, hello.NodeId);
        Assert.NotEmpty(hello.SessionToken);

        // 2. It fetches the tip block, flips a byte of its coinbase signature and pushes it back.
        var fetched = Assert.Single(await rogue.GetBlocksAsync(new BlockRef { ConsensusHash = tipBlock.ConsensusHash, BlockHash = tipBlock.BlockHash }));
        var bad = RoguePeer.WithFlippedSignatureByte(fetched.Block.ToByteArray());
        Assert.True(Blockstack.Stacks.StacksBlock.TryDecode(bad, out var badBlock, out _));
        await AssertRefused($"rogue push of {badBlock.BlockHash} (flipped signature byte)", () => rogue.PushBlockAsync(bad));

        // 3. Banned: every further call with that session is refused, and so is a new handshake from its id or its address.
        await AssertPermissionDenied("GetBlockInventory after the invalid push", () => rogue.GetInventoryAsync(tipInfo.BurnHeight - 5, 5));
        var transfer = ClusterTransactions.Transfer(RegtestProfile.Account(5), ClusterTransactions.Recipient("rogue"), 1, 0);
        await AssertPermissionDenied("PushTransaction after the invalid push", () => rogue.PushTransactionAsync(transfer.Bytes));
        using (var sameId = new RoguePeer(target.P2pAddress, $"127.0.0.1:{_cluster.FreePort()}", rogue.NodeId))
        {
            await AssertPermissionDenied("a new handshake from the banned node id", () => sameId.HandshakeAsync(sameId.Hello(genesis.StateRoot, tips)));
        }

        using (var sameAddress = new RoguePeer(target.P2pAddress, rogue.ListenAddress))
        {
            await AssertPermissionDenied("a new handshake from the banned listen address", () => sameAddress.HandshakeAsync(sameAddress.Hello(genesis.StateRoot, tips)));
        }

        // 4. Garbage from another rogue: refused and banned too; an honest newcomer is still welcome.
        using (var garbage = new RoguePeer(target.P2pAddress, $"127.0.0.1:{_cluster.FreePort()}"))
        {
            await garbage.HandshakeAsync(garbage.Hello(genesis.StateRoot, tips));
            await AssertRefused("rogue push of garbage", () => garbage.PushBlockAsync(Encoding.ASCII.GetBytes("this is not a Stacks block at all")));
            await AssertPermissionDenied("GetBlockInventory after pushing garbage", () => garbage.GetInventoryAsync(tipInfo.BurnHeight - 5, 5));
        }

        using (var honest = new RoguePeer(target.P2pAddress, $"127.0.0.1:{_cluster.FreePort()}"))
        {
            await honest.HandshakeAsync(honest.Hello(genesis.StateRoot, tips));
            var inventory = await honest.GetInventoryAsync(tipInfo.BurnHeight - 4, 5);
            Assert.Equal(5, inventory.Entries.Count);
            Assert.Equal(tipInfo.BurnHeight, inventory.Entries[^1].BurnHeight);
        }

        // 5. Nobody's state changed: same tips and roots, the bad block stored nowhere; the cluster still mines and converges.
        var afterPush = await _cluster.WaitConvergedAsync("after the rogue peer", ConvergeBound);
        foreach (var (node, info) in afterPush)
        {
            var was = before.Single(x => x.Node == node).Info;
            Assert.Equal((was.BurnHeight, was.StacksTipIndexBlockHash, was.StateRoot), (info.BurnHeight, info.StacksTipIndexBlockHash, info.StateRoot));
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await node.Node.GetBlockAsync(new GetBlockRequest { BlockHash = badBlock.BlockHash.ToString() }));
            Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        }

        await _cluster.MineAsync(2);
        await _cluster.WaitConvergedAsync("mining on after the rogue peer", ConvergeBound);
    }

    private async Task MineUntilStacksHeight(ulong height)
    {
        await using var driver = _cluster.StartDriver();
        await _cluster.WaitForAsync($"a Stacks tip of {height}+", TimeSpan.FromSeconds(150), async () =>
            await _cluster["B"].TryGetInfoAsync() is { } info && info.StacksTipHeight >= height ? info : null);
    }

    private static Cluster Attach(ClusterFixture fixture, ITestOutputHelper output)
    {
        fixture.Cluster.Output = output;
        return fixture.Cluster;
    }

    /// <summary>
    /// An invalid push is refused: a PushResult neither accepted nor duplicate with a reason code
    /// (the proto's contract), or an error status (INVALID_ARGUMENT, PERMISSION_DENIED) saying why.
    /// </summary>
    private async Task AssertRefused(string what, Func<Task<PushResult>> push)
    {
        try
        {
            var result = await push();
            _cluster.Log($"{what}: accepted {result.Accepted}, duplicate {result.Duplicate}, {result.Code}: {result.Message}");
            Assert.False(result.Accepted, $"{what} was accepted");
            Assert.False(result.Duplicate, $"{what} was taken as a duplicate");
            Assert.NotEmpty(result.Code);
        }
        catch (RpcException e)
        {
            _cluster.Log($"{what}: {e.StatusCode}: {e.Status.Detail}");
            Assert.True(e.StatusCode is StatusCode.InvalidArgument or StatusCode.PermissionDenied, $"{what}: {e.StatusCode}: {e.Status.Detail}");
        }
    }

    private async Task AssertPermissionDenied(string what, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException e)
        {
            Assert.True(e.StatusCode == StatusCode.PermissionDenied, $"{what}: expected PERMISSION_DENIED, got {e.StatusCode}: {e.Status.Detail}");
            return;
        }

        _cluster.Fail($"{what}: expected PERMISSION_DENIED, the call succeeded");
    }

    /// <summary>
    /// Over every sortition both miners committed in: the bigger miner's win count against the
    /// Poisson-binomial distribution of its burn shares (exact two-sided test, refused only at
    /// p &lt; 0.001), and it must win more than the smaller miner. Each commit burns its miner's budget.
    /// </summary>
    internal async Task CheckWinShares(ulong burnTip, ClusterNode reader)
    {
        var a = _cluster["A"];
        var b = _cluster["B"];
        var p = new List<double>();
        int winsA = 0, winsB = 0, soloA = 0, soloB = 0, none = 0, irregular = 0;
        for (var h = 1UL; h <= burnTip; h++)
        {
            Sortition s;
            try
            {
                s = await reader.Node.GetSortitionAsync(new GetSortitionRequest { BurnHeight = h });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                continue;
            }

            var fromA = s.Commits.Where(c => c.ApparentSender == a.MinerKey!.Address).ToList();
            var fromB = s.Commits.Where(c => c.ApparentSender == b.MinerKey!.Address).ToList();
            Assert.True(s.Commits.Count == fromA.Count + fromB.Count, $"burn {h}: commits from unknown senders: {s.Commits}");
            Assert.All(fromA, c => Assert.Equal(ClusterFixture.BudgetA, c.BurnFeeSats));
            Assert.All(fromB, c => Assert.Equal(ClusterFixture.BudgetB, c.BurnFeeSats));
            if (fromA.Count > 1 || fromB.Count > 1)
            {
                // Stale commits mined again after a reorg beside new ones: not a plain two-miner draw.
                irregular++;
                continue;
            }

            var ca = fromA.SingleOrDefault();
            var cb = fromB.SingleOrDefault();

            if (ca is null || cb is null)
            {
                soloA += ca is not null ? 1 : 0;
                soloB += cb is not null ? 1 : 0;
                continue;
            }

            if (!s.Sortition_ || ca.EffectiveBurnSats + cb.EffectiveBurnSats == 0)
            {
                none++;
                continue;
            }

            Assert.False(ca.Won && cb.Won, $"burn {h}: two winners");
            Assert.True(ca.Won || cb.Won, $"burn {h}: a sortition whose winner is neither miner: {s}");
            p.Add((double)cb.EffectiveBurnSats / (ca.EffectiveBurnSats + cb.EffectiveBurnSats));
            winsA += ca.Won ? 1 : 0;
            winsB += cb.Won ? 1 : 0;
        }

        var pValue = p.Count > 0 ? WinShareTest.TwoSidedPValue(p, winsB) : double.NaN;
        _cluster.Log($"win shares over {p.Count} contested sortitions: A {winsA}, B {winsB} (expected B {p.Sum():F1}, mean share {(p.Count > 0 ? p.Average() : 0):F3}); "
            + $"two-sided p = {pValue:G3}; solo commits A {soloA}, B {soloB}; contested without sortition {none}, with several commits of one miner {irregular}");
        Assert.True(p.Count >= MinContested, $"only {p.Count} sortitions had both miners' commits (need {MinContested})");
        Assert.True(winsB > winsA, $"B (budget {ClusterFixture.BudgetB}) won {winsB}, A (budget {ClusterFixture.BudgetA}) won {winsA}");
        Assert.True(pValue >= WinShareTest.Alpha, $"B's {winsB} wins of {p.Count} are not consistent with its burn shares (p = {pValue:G3} < {WinShareTest.Alpha})");
    }

    private async Task WaitConfirmed(ClusterNode node, string txid, string what)
    {
        var status = await _cluster.WaitForAsync($"{what} {txid} confirmed on {node.Name}", ConfirmBound, async () =>
        {
            var s = await node.Node.GetTransactionAsync(new GetTransactionRequest { Txid = txid });
            if (s.Status == TransactionStatus.Types.Status.Dropped)
            {
                _cluster.Fail($"{what} {txid} was dropped on {node.Name}: {s.DroppedReason}");
            }

            return s.Status == TransactionStatus.Types.Status.Confirmed ? s : null;
        });
        Assert.True(status.Receipt.Status == "success", $"{what} {txid}: {status.Receipt.Status} {status.Receipt.ResultRepr}");
    }

    private async Task<string> RunCli(params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.Run(CliBound, args);
        if (code != 0)
        {
            _cluster.Fail($"blockstack {string.Join(' ', args)} exited {code}: {stderr}");
        }

        return stdout;
    }
}
