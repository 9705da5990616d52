using System.Buffers.Binary;
using Blockstack.Bitcoin;
using Blockstack.Bitcoin.Blocks;
using Blockstack.Bitcoin.Scripts;
using Blockstack.Bitcoin.Transactions;
using Blockstack.Burnchain.Rpc;

namespace Blockstack.Burnchain.Tests;

/// <summary>
/// An in-memory block tree behind <see cref="IBitcoinRpc"/>: real serialized blocks, an active
/// chain, competing branches, invalidation, and injectable outages.
/// </summary>
internal sealed class FakeBitcoinChain : IBitcoinRpc
{
    private readonly Dictionary<BlockHash, (byte[] Raw, BlockHash Parent, ulong Height)> _blocks = [];
    private readonly List<BlockHash> _active = [];
    private readonly Lock _lock = new();
    private uint _salt;

    public FakeBitcoinChain()
    {
        Genesis = AddBlock(default, 0, []);
        _active.Add(Genesis);
    }

    public BlockHash Genesis { get; }

    /// <summary>While positive, each call fails as an unreachable bitcoind and decrements it.</summary>
    public int FailingCalls { get; set; }

    public int Calls { get; private set; }

    public ulong TipHeight
    {
        get
        {
            lock (_lock)
            {
                return (ulong)_active.Count - 1;
            }
        }
    }

    public BlockHash Tip
    {
        get
        {
            lock (_lock)
            {
                return _active[^1];
            }
        }
    }

    public BlockHash HashAt(ulong height)
    {
        lock (_lock)
        {
            return _active[(int)height];
        }
    }

    public BurnchainParameters Parameters() => BurnchainParameters.Regtest() with { FirstBlockHash = Genesis };

    /// <summary>Mines <paramref name="count"/> blocks on the active tip; txs(height) supplies extra transactions.</summary>
    public IReadOnlyList<BlockHash> Mine(int count, Func<ulong, IEnumerable<Transaction>>? txs = null) => MineOn(Tip, count, txs);

    /// <summary>Mines on <paramref name="parent"/>; the branch becomes active when it is longer than the active chain.</summary>
    public IReadOnlyList<BlockHash> MineOn(BlockHash parent, int count, Func<ulong, IEnumerable<Transaction>>? txs = null)
    {
        lock (_lock)
        {
            var hashes = new List<BlockHash>();
            var tip = parent;
            for (var i = 0; i < count; i++)
            {
                var height = _blocks[tip].Height + 1;
                tip = AddBlock(tip, height, txs?.Invoke(height) ?? []);
                hashes.Add(tip);
            }

            if (_blocks[tip].Height >= (ulong)_active.Count)
            {
                SetActive(tip);
            }

            return hashes;
        }
    }

    /// <summary>Like bitcoind's invalidateblock without other branches: the active chain ends at the parent.</summary>
    public void Invalidate(BlockHash hash)
    {
        lock (_lock)
        {
            SetActive(_blocks[hash].Parent);
        }
    }

    public void SetActive(BlockHash tip)
    {
        lock (_lock)
        {
            var chain = new List<BlockHash>();
            var cursor = tip;
            while (true)
            {
                chain.Add(cursor);
                if (cursor == Genesis)
                {
                    break;
                }

                cursor = _blocks[cursor].Parent;
            }

            chain.Reverse();
            _active.Clear();
            _active.AddRange(chain);
        }
    }

    public Task<BlockchainInfo> GetBlockchainInfoAsync(CancellationToken cancellationToken)
    {
        Enter();
        lock (_lock)
        {
            return Task.FromResult(new BlockchainInfo("regtest", TipHeight, TipHeight, Tip, false));
        }
    }

    public Task<BlockHash?> GetBlockHashAsync(ulong height, CancellationToken cancellationToken)
    {
        Enter();
        lock (_lock)
        {
            return Task.FromResult(height < (ulong)_active.Count ? _active[(int)height] : (BlockHash?)null);
        }
    }

    public Task<byte[]?> GetRawBlockAsync(BlockHash hash, CancellationToken cancellationToken)
    {
        Enter();
        lock (_lock)
        {
            return Task.FromResult(_blocks.TryGetValue(hash, out var b) ? b.Raw : null);
        }
    }

    /// <summary>Serves the same blocks over JSON-RPC shapes (for the HTTP client tests and the benchmark).</summary>
    public byte[]? RawBlock(BlockHash hash)
    {
        lock (_lock)
        {
            return _blocks.TryGetValue(hash, out var b) ? b.Raw : null;
        }
    }

    private void Enter()
    {
        lock (_lock)
        {
            Calls++;
            if (FailingCalls > 0)
            {
                FailingCalls--;
                throw new BitcoinRpcUnavailableException("fake bitcoind is down");
            }
        }
    }

    private BlockHash AddBlock(BlockHash parent, ulong height, IEnumerable<Transaction> extra)
    {
        var salt = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(salt, height);
        byte[] coinbaseScript = [8, .. salt, 4, .. BitConverter.GetBytes(_salt++)];
        var coinbase = new Transaction(
            2,
            [new TxIn(OutPoint.Null, coinbaseScript)],
            [new TxOut(50_0000_0000, StandardScripts.PayToPubKeyHash(new byte[20]))],
            0);
        Transaction[] txs = [coinbase, .. extra];
        var root = MerkleTree.ComputeRoot(txs.Select(t => t.Txid.Hash).ToArray());
        var header = new BlockHeader(0x20000000, parent, root, 1_600_000_000 + (uint)height, 0x207fffff, _salt);
        var block = new Block(header, txs);
        _blocks[block.Hash] = (block.ToBytes(), parent, height);
        return block.Hash;
    }
}
