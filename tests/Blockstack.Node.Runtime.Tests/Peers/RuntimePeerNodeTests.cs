using Blockstack.Chain;
using Blockstack.Node.Peers;
using Blockstack.Stacks;

namespace Blockstack.Node.Runtime.Tests.Peers;

/// <summary><see cref="RuntimePeerNode"/> over a real runtime on the embedded regtest bitcoind.</summary>
[Trait("Category", "Integration")]
public sealed class RuntimePeerNodeTests(PeerChain fixture) : IClassFixture<PeerChain>
{
    private NodeRuntime Runtime => fixture.Runtime;

    [Fact]
    public void Identity_RegtestNetwork_IdFirstBurnBlockAndGenesisRoot()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);

        Assert.Equal(0x80000000u, node.NetworkId);
        Assert.Equal(Runtime.NetworkParameters.Burnchain.FirstBlockHash.ToString(), node.FirstBurnBlockHash);
        Assert.Equal(Runtime.Chain.GetBlock(BlockRecord.GenesisId)!.StateRoot.ToString(), node.GenesisStateRoot);
        Assert.Equal(64, node.GenesisStateRoot.Length);
        var tips = node.GetTips();
        Assert.Equal(Runtime.Sortitions.Tip!.BurnHeight, tips.BurnHeight);
        Assert.Equal(Runtime.Chain.Tip.Id.ToString(), tips.StacksTipIndexBlockHash);
    }

    [Fact]
    public void GetInventory_WholeChainInPages_MatchesTheSortitionStore()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var first = Runtime.NetworkParameters.Burnchain.FirstBlockHeight;
        var tip = Runtime.Sortitions.Tip!.BurnHeight;

        var all = new List<Protos.V1.InventoryEntry>();
        for (var start = 0UL; ; start += 7)
        {
            var page = node.GetInventory(start, 7);
            if (page.Count == 0)
            {
                break;
            }

            Assert.InRange(page.Count, 1, 7);
            all.AddRange(page);
        }

        Assert.Equal((int)(tip - first + 1), all.Count);
        var winners = 0;
        foreach (var entry in all)
        {
            var snapshot = Runtime.Sortitions.GetSnapshotAtHeight(entry.BurnHeight)!;
            Assert.Equal(snapshot.BurnHeaderHash.ToString(), entry.BurnBlockHash);
            Assert.Equal(snapshot.ConsensusHash.ToString(), entry.ConsensusHash);
            Assert.Equal(snapshot is { Sortition: true, IsFirst: false }, entry.Sortition);
            if (entry.Sortition)
            {
                winners++;
                Assert.Equal(snapshot.WinningBlockHash.ToString(), entry.WinningBlockHash);
                Assert.Equal(Runtime.Chain.GetBlock(StacksBlockId.Of(snapshot.WinningBlockHash, snapshot.ConsensusHash)) is not null, entry.HasBlock);
            }
            else
            {
                Assert.Equal("", entry.WinningBlockHash);
                Assert.False(entry.HasBlock);
            }
        }

        Assert.InRange(winners, fixture.Blocks.Count, int.MaxValue);
        Assert.All(fixture.Blocks, b => Assert.Contains(all, e => e.WinningBlockHash == b.BlockHash.ToString() && e.HasBlock));
        Assert.Empty(node.GetInventory(tip + 1, 10));
        Assert.Equal(tip, Assert.Single(node.GetInventory(tip, 10)).BurnHeight);
    }

    [Fact]
    public void GetBlockBytes_AcceptedBlock_ExactWireBytes()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var block = fixture.Blocks[0];
        var won = Runtime.Sortitions.GetWinningSortition(block.BlockHash)!;

        Assert.Equal(block.Serialize(), node.GetBlockBytes(won.ConsensusHash, block.BlockHash));
        Assert.Equal(block.Serialize(), node.GetBlockBytes(null, block.BlockHash));
        Assert.True(node.HasBlock(block.BlockHash));
        Assert.Null(node.GetBlockBytes(null, new StacksBlockHash(new Bitcoin.Hash256(new byte[32]))));
        Assert.False(node.HasBlock(new StacksBlockHash(new Bitcoin.Hash256(new byte[32]))));
    }

    [Fact]
    public void OfferBlock_Mutated_InvalidAndNothingChanges()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += accepted.Add;
        var template = fixture.Blocks[^1];
        var tipBefore = Runtime.Chain.Tip.Id;
        var stagedBefore = Runtime.Staging.Count;
        var transfer = PeerChain.Alice.Transfer(Runtime.ChainParameters, PeerChain.Bob.Address, 1_000, Runtime.Chain.GetAccount(PeerChain.Alice.Address).Nonce);
        var bytes = template.Serialize();

        var truncated = node.OfferBlock(bytes.AsMemory(0, bytes.Length - 1), PeerChain.Peer(1));
        var merkle = node.OfferBlock(Mutations.BadMerkleRoot(template).Serialize(), PeerChain.Peer(1));
        var signature = node.OfferBlock(Mutations.BadSignature(template, transfer).Serialize(), PeerChain.Peer(1));
        var garbage = node.OfferBlock(new byte[] { 1, 2, 3 }, PeerChain.Peer(1));

        Assert.Equal((OfferStatus.Invalid, RuntimePeerNode.BlockUndecodable), (truncated.Status, truncated.Code));
        Assert.Equal((OfferStatus.Invalid, StacksBlockRules.BadMerkleRoot), (merkle.Status, merkle.Code));
        Assert.Equal((OfferStatus.Invalid, ChainErrorCodes.TxBadSignature), (signature.Status, signature.Code));
        Assert.Equal(OfferStatus.Invalid, garbage.Status);
        Assert.Contains("transaction 1", signature.Message, StringComparison.Ordinal);
        Assert.Empty(accepted);
        Assert.Equal(tipBefore, Runtime.Chain.Tip.Id);
        Assert.Equal(stagedBefore, Runtime.Staging.Count);
        Assert.False(Runtime.Staging.Contains(Mutations.BadSignature(template, transfer).BlockHash));
    }

    [Fact]
    public async Task OfferBlock_NewBlockBeforeItsSortition_StagedOnceThenAppliedAndDuplicate()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += item =>
        {
            lock (accepted)
            {
                accepted.Add(item);
            }
        };
        var burnTips = 0;
        node.BurnTipChanged += () => Interlocked.Increment(ref burnTips);
        await fixture.Host.WaitSyncedAsync(fixture.Chain, fixture.Ct);
        var block = await fixture.Miner.CommitAsync(Runtime, null, fixture.Ct);
        var bytes = block.Serialize();

        var first = node.OfferBlock(bytes, PeerChain.Peer(2));
        var again = node.OfferBlock(bytes, PeerChain.Peer(3));

        Assert.Equal(OfferStatus.Accepted, first.Status);
        Assert.Equal(OfferStatus.Duplicate, again.Status);
        var item = Assert.Single(accepted);
        Assert.Equal(PeerItemKind.Block, item.Kind);
        Assert.Equal(block.BlockHash.ToString(), item.Id);
        Assert.Equal(PeerChain.Peer(2), item.From);
        Assert.Equal(bytes, item.Bytes.ToArray());
        Assert.Equal("", item.ConsensusHash);
        Assert.True(node.HasBlock(block.BlockHash));
        Assert.Equal(bytes, node.GetBlockBytes(null, block.BlockHash));

        await fixture.MineBurnBlockAsync();
        fixture.Blocks.Add(block);
        await fixture.Host.WaitUntilAsync(() => Runtime.Chain.Tip.BlockHash == block.BlockHash, "the offered block applied");
        await fixture.Host.WaitUntilAsync(() => Volatile.Read(ref burnTips) >= 1, "BurnTipChanged");

        Assert.Equal(OfferStatus.Duplicate, node.OfferBlock(bytes, PeerChain.Peer(4)).Status);
        Assert.Single(accepted);
        var entry = node.GetInventory(Runtime.Sortitions.Tip!.BurnHeight, 1).Single();
        Assert.True(entry.HasBlock);
        Assert.Equal(block.BlockHash.ToString(), entry.WinningBlockHash);
    }

    [Fact]
    public async Task OfferBlock_FromAPeerThenInvalidForItsSortition_StagedBlockInvalidNamesThePeer()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var invalid = new List<(StacksBlockHash Hash, PeerIdentity Peer, string Reason)>();
        node.StagedBlockInvalid += (hash, peer, reason) =>
        {
            lock (invalid)
            {
                invalid.Add((hash, peer, reason));
            }
        };
        await fixture.Host.WaitSyncedAsync(fixture.Chain, fixture.Ct);
        var tipBefore = Runtime.Chain.Tip.Id;
        var bad = await fixture.Miner.CommitAsync(Runtime, null, fixture.Ct, b => b with { Header = b.Header with { StateIndexRoot = new Bitcoin.Hash256(new byte[32]) } });

        Assert.Equal(OfferStatus.Accepted, node.OfferBlock(bad.Serialize(), PeerChain.Peer(5)).Status);
        await fixture.MineBurnBlockAsync();
        await fixture.Host.WaitUntilAsync(() => { lock (invalid) { return invalid.Count > 0; } }, "StagedBlockInvalid");

        var (hash, peer, reason) = Assert.Single(invalid);
        Assert.Equal(bad.BlockHash, hash);
        Assert.Equal(PeerChain.Peer(5), peer);
        Assert.StartsWith(ChainErrorCodes.BlockBadStateRoot, reason, StringComparison.Ordinal);
        Assert.Equal(tipBefore, Runtime.Chain.Tip.Id);
        Assert.False(Runtime.Staging.Contains(bad.BlockHash));
    }

    [Fact]
    public void OfferTransaction_PeerAndClient_AcceptedOnceWithItsSource()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += accepted.Add;
        var nonce = Runtime.Chain.GetAccount(PeerChain.Alice.Address).Nonce + (ulong)Runtime.Mempool.Snapshot().Count(e => e.Sender == PeerChain.Alice.Address);
        var fromPeer = PeerChain.Alice.Transfer(Runtime.ChainParameters, PeerChain.Bob.Address, 10, nonce);
        var fromClient = PeerChain.Alice.Transfer(Runtime.ChainParameters, PeerChain.Bob.Address, 11, nonce + 1);
        var forged = Mutations.BadSignature(fixture.Blocks[0], fromPeer).Transactions[1];
        var farAhead = PeerChain.Alice.Transfer(Runtime.ChainParameters, PeerChain.Bob.Address, 12, nonce + 10_000);

        var peerResult = node.OfferTransaction(fromPeer.Serialize(), PeerChain.Peer(6));
        var duplicate = node.OfferTransaction(fromPeer.Serialize(), PeerChain.Peer(7));
        var client = Runtime.SubmitTransaction(fromClient.Serialize());
        var undecodable = node.OfferTransaction(new byte[] { 0x80, 0, 0 }, PeerChain.Peer(8));
        var badSignature = node.OfferTransaction(forged.Serialize(), PeerChain.Peer(8));
        var refused = node.OfferTransaction(farAhead.Serialize(), PeerChain.Peer(8));

        Assert.Equal(OfferStatus.Accepted, peerResult.Status);
        Assert.Equal(OfferStatus.Duplicate, duplicate.Status);
        Assert.True(client.Accepted, client.RejectionMessage);
        Assert.Equal((OfferStatus.Invalid, ChainErrorCodes.TxUndecodable), (undecodable.Status, undecodable.Code));
        Assert.Equal((OfferStatus.Invalid, ChainErrorCodes.TxBadSignature), (badSignature.Status, badSignature.Code));
        Assert.Equal((OfferStatus.Refused, ChainErrorCodes.MempoolNonceTooFar), (refused.Status, refused.Code));

        Assert.Equal(2, accepted.Count);
        Assert.Equal((PeerItemKind.Transaction, fromPeer.Txid.ToString(), PeerChain.Peer(6)), (accepted[0].Kind, accepted[0].Id, accepted[0].From));
        Assert.Equal((PeerItemKind.Transaction, fromClient.Txid.ToString(), (PeerIdentity?)null), (accepted[1].Kind, accepted[1].Id, accepted[1].From));
        Assert.Equal(fromClient.Serialize(), accepted[1].Bytes.ToArray());
    }

    [Fact]
    public async Task StageBlock_TheMinersOwnBlock_AcceptedOnceWithNoPeer()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += item =>
        {
            lock (accepted)
            {
                accepted.Add(item);
            }
        };

        var block = await Tenures.MineAsync(fixture.Chain, fixture.Host, fixture.Miner, StageAt.BeforeSortition, fixture.Ct);
        fixture.Blocks.Add(block);
        Assert.Null(Runtime.StageBlock(block));

        var item = Assert.Single(accepted);
        Assert.Equal((PeerItemKind.Block, block.BlockHash.ToString(), (PeerIdentity?)null), (item.Kind, item.Id, item.From));
        Assert.Equal(OfferStatus.Duplicate, node.OfferBlock(block.Serialize(), PeerChain.Peer(10)).Status);
    }

    [Fact]
    public async Task OfferZonefile_HashOnChain_StoredOnceFromThePeerAndAClientsPutHasNoPeer()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += item =>
        {
            lock (accepted)
            {
                accepted.Add(item);
            }
        };
        var ns = "peerzones";
        var salt = "salt"u8.ToArray();
        var bobZone = "$ORIGIN bob.peerzones\n"u8.ToArray();
        var annZone = "$ORIGIN bob.peerzones\n; updated\n"u8.ToArray();
        var bobHash = Hash160.Of(bobZone).ToArray();
        var annHash = Hash160.Of(annZone).ToArray();
        static byte[] Hash(string text, byte[] salt) => Hash160.Of([.. System.Text.Encoding.ASCII.GetBytes(text), .. salt]).ToArray();
        static ClarityBuffer B(byte[] bytes) => new(bytes);
        static ClarityBuffer A(string ascii) => new(System.Text.Encoding.ASCII.GetBytes(ascii));
        var f = new Bns.PriceFunction([7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 4, 250, 4, 4);
        ClarityValue[] reveal =
        [
            A(ns), B(salt), new ClarityUInt(f.Base), new ClarityUInt(f.Coeff), .. f.Buckets.Select(b => (ClarityValue)new ClarityUInt(b)),
            new ClarityUInt(f.NonAlphaDiscount), new ClarityUInt(f.NoVowelDiscount), new ClarityUInt(1000), new ClarityPrincipal(PeerChain.Alice.Principal),
        ];
        IReadOnlyList<ClarityValue[]>[] tenures =
        [
            [[B(Hash(ns, salt)), new ClarityUInt(Bns.BnsPricing.NamespacePrice(ns.Length))]],
            [reveal],
            [[A(ns)]],
            [[B(Hash("bob." + ns, salt)), new ClarityUInt(10_000_000_000)]],
            [[A(ns), A("bob"), B(salt), B(bobHash)]],
            [[A(ns), A("bob"), B(annHash)]],
        ];
        string[][] functions = [["namespace-preorder"], ["namespace-reveal"], ["namespace-ready"], ["name-preorder"], ["name-register"], ["name-update"]];
        for (var t = 0; t < tenures.Length; t++)
        {
            var nonce = Runtime.Chain.GetAccount(PeerChain.Alice.Address).Nonce;
            var txs = tenures[t].Select((args, i) => Call(functions[t][i], args, nonce + (ulong)i)).ToList();
            fixture.Blocks.Add(await Tenures.MineAsync(fixture.Chain, fixture.Host, fixture.Miner, StageAt.AfterSortition, fixture.Ct, txs));
            Assert.All(txs, tx => Assert.Equal(TransactionStatus.Success, Runtime.Chain.GetReceipt(tx.Txid)!.Value.Receipt.Status));
        }

        await fixture.Host.WaitUntilAsync(() => fixture.Bns.TipId == Runtime.Chain.Tip.Id, "the BNS index at the tip");
        Assert.Equal(new[] { annHash, bobHash }.OrderBy(Convert.ToHexString, StringComparer.Ordinal), node.GetMissingZonefileHashes(10));
        lock (accepted)
        {
            accepted.RemoveAll(i => i.Kind != PeerItemKind.Zonefile);
        }

        var first = node.OfferZonefile(bobZone, PeerChain.Peer(11));
        var again = node.OfferZonefile(bobZone, PeerChain.Peer(12));
        var client = fixture.Bns.PutZonefile(annZone);

        Assert.Equal(OfferStatus.Accepted, first.Status);
        Assert.Equal(OfferStatus.Duplicate, again.Status);
        Assert.True(client.IsOk);
        Assert.Equal(OfferStatus.Duplicate, node.OfferZonefile(annZone, PeerChain.Peer(13)).Status);
        Assert.Equal(2, accepted.Count);
        Assert.Equal((PeerItemKind.Zonefile, Convert.ToHexStringLower(bobHash), PeerChain.Peer(11)), (accepted[0].Kind, accepted[0].Id, accepted[0].From));
        Assert.Equal((PeerItemKind.Zonefile, Convert.ToHexStringLower(annHash), (PeerIdentity?)null), (accepted[1].Kind, accepted[1].Id, accepted[1].From));
        Assert.Equal(bobZone, node.GetZonefile(bobHash));
        Assert.Empty(node.GetMissingZonefileHashes(10));

        StacksTransaction Call(string function, ClarityValue[] args, ulong nonce)
        {
            var p = Runtime.ChainParameters;
            var tx = new StacksTransaction(
                p.TransactionVersion, p.ChainId,
                new TransactionAuth(TestStacksKey.Signer.SingleSigCondition(PeerChain.Alice.Key, nonce, 1_000), null),
                AnchorMode.Any, PostConditionMode.Allow, [], new ContractCallPayload(p.BootAddress, Bns.BnsNativeContract.ContractName, function, args));
            return TestStacksKey.Signer.SignOrigin(tx, PeerChain.Alice.Key);
        }
    }

    [Fact]
    public void OfferZonefile_EmptyOversizedOrUnknown_NotStored()
    {
        using var node = new RuntimePeerNode(Runtime, fixture.Bns);
        var accepted = new List<PeerItem>();
        node.ItemAccepted += accepted.Add;
        var content = "$ORIGIN peer.test\n"u8.ToArray();

        var empty = node.OfferZonefile(Array.Empty<byte>(), PeerChain.Peer(9));
        var oversized = node.OfferZonefile(new byte[Bns.BnsIndex.MaxZonefileSize + 1], PeerChain.Peer(9));
        var unknown = node.OfferZonefile(content, PeerChain.Peer(9));

        Assert.Equal((OfferStatus.Invalid, Bns.BnsQueryErrors.ZonefileEmpty), (empty.Status, empty.Code));
        Assert.Equal((OfferStatus.Invalid, Bns.BnsQueryErrors.ZonefileTooLarge), (oversized.Status, oversized.Code));
        Assert.Equal((OfferStatus.Refused, Bns.BnsQueryErrors.ZonefileHashUnknown), (unknown.Status, unknown.Code));
        Assert.Null(node.GetZonefile(Hash160.Of(content).ToArray()));
        Assert.False(fixture.Bns.HasZonefile(Hash160.Of(content).ToArray()));
        Assert.Empty(accepted);
    }
}
