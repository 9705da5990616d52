using Blockstack.Stacks;
using Blockstack.Storage;
using Xunit.Abstractions;

namespace Blockstack.Chain.Tests;

/// <summary>Bytes on disk per account: transfers create N new accounts in a RocksDB chain store.</summary>
[Trait("Category", "Integration")]
public sealed class DiskFootprintTests(ITestOutputHelper output) : IDisposable
{
    private const int Accounts = 2000;
    private const int PerBlock = 200;
    private readonly string _path = Path.Combine(Path.GetTempPath(), "blockstack-footprint-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Transfers_NewAccountsInRocksDb_CostBoundedBytesEach()
    {
        long before;
        long after;
        var recipients = Enumerable.Range(0, Accounts)
            .Select(i => new StacksAddress(StacksAddressVersion.TestnetSingleSig, new Hash160(TestChain.Hash256Of(i, 0x5A).ToArray().AsSpan(0, 20))))
            .ToList();
        using (var chain = new TestChain(RocksStore.Open<ChainColumn>(_path, ChainStore.Schema), accounts: 1))
        {
            chain.Mine();
            before = DirectorySize(_path);
            var nonce = 0UL;
            for (var b = 0; b < Accounts / PerBlock; b++)
            {
                chain.Mine(recipients.Skip(b * PerBlock).Take(PerBlock).Select(r => chain.Transfer(chain.Keys[0], r, 1000, nonce++)).ToList());
            }

            Assert.All(recipients, r => Assert.Equal((UInt128)1000, chain.Coordinator.State.GetAccount(r).Unlocked));
        }

        after = DirectorySize(_path);
        var perAccount = (double)(after - before) / Accounts;
        output.WriteLine($"{Accounts} new accounts in {Accounts / PerBlock} blocks: {before} → {after} bytes on disk, {perAccount:F0} bytes per account (incl. blocks, receipts, trie nodes, indexes)");
        Assert.InRange(perAccount, 1, 8192);
    }

    private static long DirectorySize(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}
