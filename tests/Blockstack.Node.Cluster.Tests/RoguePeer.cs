using System.Security.Cryptography;
using Blockstack.Node.Peers;
using Blockstack.Protos.V1;
using Blockstack.Stacks;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Blockstack.Node.Cluster.Tests;

/// <summary>
/// The test itself as a peer of one node: a <see cref="PeerService.PeerServiceClient"/> that
/// handshakes with the network's real identity fields (network id, protocol version, first burn
/// block hash, genesis state root) under a node id and listen address of its own, then sends what
/// the test chooses with its session token in the <c>blockstack-session</c> header.
/// </summary>
internal sealed class RoguePeer : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _client;

    public RoguePeer(string p2pAddress, string listenAddress, string? nodeId = null)
    {
        _channel = GrpcChannel.ForAddress("http://" + p2pAddress);
        _client = new PeerService.PeerServiceClient(_channel);
        ListenAddress = listenAddress;
        NodeId = nodeId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    }

    public string NodeId { get; }

    public string ListenAddress { get; }

    public string? Session { get; private set; }

    /// <summary>The regtest network id (testnet and regtest: 0x80000000).</summary>
    public const uint RegtestNetworkId = 0x80000000;

    /// <summary>A handshake as a node of this network would send it; <paramref name="genesisStateRoot"/> from the node's block 0.</summary>
    public HandshakeRequest Hello(string genesisStateRoot, ChainTips tips) => new()
    {
        NetworkId = RegtestNetworkId,
        ProtocolVersion = PeerOptions.CurrentProtocolVersion,
        FirstBurnBlockHash = Blockstack.Burnchain.BurnchainParameters.Regtest().FirstBlockHash.ToString(),
        GenesisStateRoot = genesisStateRoot,
        NodeId = NodeId,
        ListenAddress = ListenAddress,
        UserAgent = "cluster-test-rogue/1",
        Tips = tips,
    };

    public async Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request)
    {
        var response = await _client.HandshakeAsync(request, deadline: Deadline());
        Session = response.SessionToken;
        return response;
    }

    public async Task<List<BlockData>> GetBlocksAsync(params BlockRef[] blocks)
    {
        var request = new GetBlocksRequest();
        request.Blocks.AddRange(blocks);
        using var call = _client.GetBlocks(request, Headers(), Deadline());
        var list = new List<BlockData>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            list.Add(call.ResponseStream.Current);
        }

        return list;
    }

    public async Task<PushResult> PushBlockAsync(byte[] block, string consensusHash = "") =>
        await _client.PushBlockAsync(new BlockData { Block = ByteString.CopyFrom(block), ConsensusHash = consensusHash }, Headers(), Deadline());

    public async Task<BlockInventory> GetInventoryAsync(ulong start, uint count) =>
        await _client.GetBlockInventoryAsync(new BlockInventoryRequest { StartBurnHeight = start, Count = count }, Headers(), Deadline());

    public async Task<PushResult> PushTransactionAsync(byte[] tx) =>
        await _client.PushTransactionAsync(new TransactionData { Transaction = ByteString.CopyFrom(tx) }, Headers(), Deadline());

    public void Dispose() => _channel.Dispose();

    /// <summary>
    /// A real block made invalid: one byte of its coinbase's signature flipped, the Merkle root
    /// recomputed so the block still decodes and passes the context-free checks, which changes the
    /// block hash (a new block to the node); only the signature check can reject it.
    /// </summary>
    public static byte[] WithFlippedSignatureByte(byte[] blockBytes)
    {
        if (!StacksBlock.TryDecode(blockBytes, out var block, out var error))
        {
            throw new ArgumentException("not a block: " + error.Message);
        }

        var coinbase = block.Transactions[0].Serialize();

        // version 1, chain id 4, auth type 1, hash mode 1, signer 20, nonce 8, fee 8, key encoding 1: then the 65-byte signature.
        const int signatureOffset = 1 + 4 + 1 + 1 + 20 + 8 + 8 + 1;
        if (coinbase[5] != 0x04 || coinbase[6] != 0x00)
        {
            throw new ArgumentException("the coinbase is not a standard single-sig transaction");
        }

        coinbase[signatureOffset + 40] ^= 0x01;
        if (!StacksTransaction.TryDecode(coinbase, out var bad, out error))
        {
            throw new ArgumentException("the altered coinbase does not decode: " + error.Message);
        }

        var txs = new List<StacksTransaction> { bad };
        txs.AddRange(block.Transactions.Skip(1));
        var header = block.Header with { TxMerkleRoot = MerkleTree.TransactionRoot(txs.Select(t => t.Txid)) };
        var altered = new StacksBlock(header, txs);
        if (!StacksBlockRules.Check(altered, out error))
        {
            throw new ArgumentException("the altered block fails the context-free checks: " + error.Message);
        }

        return altered.Serialize();
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(20);

    private Metadata Headers() => [new Metadata.Entry("blockstack-session", Session ?? string.Empty)];
}
