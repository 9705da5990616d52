using System.Diagnostics.CodeAnalysis;
using System.Text;
using Blockstack.Regtest.Chain;
using Blockstack.Regtest.Rpc;
using Blockstack.Storage;

namespace Blockstack.Regtest.Wallet;

/// <summary>
/// Which wallets exist (in the store) and which are loaded, with bitcoind's errors for the
/// wallet RPCs. Callers hold the engine's lock.
/// </summary>
public sealed class WalletManager
{
    public const string NoWalletLoaded = "No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)";

    private readonly IKeyValueStore<RegtestColumn> _store;
    private readonly SortedDictionary<string, RegtestWallet> _loaded = new(StringComparer.Ordinal);

    public WalletManager(IKeyValueStore<RegtestColumn> store)
    {
        _store = store;
        foreach (var kv in store.Prefix(RegtestColumn.Wallets, []))
        {
            var wallet = RegtestWallet.Deserialize(kv.Value);
            if (wallet.LoadOnStartup)
            {
                _loaded[wallet.Name] = wallet;
            }
        }
    }

    public IEnumerable<string> LoadedNames => _loaded.Keys;

    public IEnumerable<string> AllNames =>
        _store.Prefix(RegtestColumn.Wallets, []).Select(kv => Encoding.UTF8.GetString(kv.Key)).Order(StringComparer.Ordinal);

    public bool TryCreate(string name, bool disablePrivateKeys, bool blank, bool? loadOnStartup, [NotNullWhen(true)] out RegtestWallet? wallet, [NotNullWhen(false)] out RpcError? error)
    {
        wallet = null;
        if (_store.Contains(RegtestColumn.Wallets, Key(name)))
        {
            error = new RpcError(RpcErrorCode.WalletError, $"Wallet file verification failed. Failed to create database path '{name}'. Database already exists.");
            return false;
        }

        wallet = new RegtestWallet(name, disablePrivateKeys, blank, loadOnStartup ?? false);
        Save(wallet);
        _loaded[name] = wallet;
        error = null;
        return true;
    }

    public bool TryLoad(string name, bool? loadOnStartup, [NotNullWhen(true)] out RegtestWallet? wallet, [NotNullWhen(false)] out RpcError? error)
    {
        wallet = null;
        if (_loaded.ContainsKey(name))
        {
            error = new RpcError(RpcErrorCode.WalletAlreadyLoaded, $"Wallet \"{name}\" is already loaded.");
            return false;
        }

        if (_store.Get(RegtestColumn.Wallets, Key(name)) is not { } bytes)
        {
            error = new RpcError(RpcErrorCode.WalletNotFound, $"Wallet file verification failed. Failed to load database path '{name}'. Path does not exist.");
            return false;
        }

        wallet = RegtestWallet.Deserialize(bytes);
        if (loadOnStartup is { } flag)
        {
            wallet.LoadOnStartup = flag;
            Save(wallet);
        }

        _loaded[name] = wallet;
        error = null;
        return true;
    }

    public bool TryUnload(string name, [NotNullWhen(false)] out RpcError? error)
    {
        error = _loaded.Remove(name) ? null : new RpcError(RpcErrorCode.WalletNotFound, "Requested wallet does not exist or is not loaded");
        return error is null;
    }

    /// <summary>The wallet a request addresses: by its /wallet/&lt;name&gt; URI, or the only loaded one.</summary>
    public bool TryResolve(string? walletFromUri, [NotNullWhen(true)] out RegtestWallet? wallet, [NotNullWhen(false)] out RpcError? error)
    {
        error = null;
        if (walletFromUri is not null)
        {
            if (_loaded.TryGetValue(walletFromUri, out wallet))
            {
                return true;
            }

            error = new RpcError(RpcErrorCode.WalletNotFound, "Requested wallet does not exist or is not loaded");
            return false;
        }

        wallet = null;
        switch (_loaded.Count)
        {
            case 1:
                wallet = _loaded.Values.First();
                return true;
            case 0:
                error = new RpcError(RpcErrorCode.WalletNotFound, NoWalletLoaded);
                return false;
            default:
                error = new RpcError(RpcErrorCode.WalletNotSpecified, "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).");
                return false;
        }
    }

    public void Save(RegtestWallet wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        using var batch = _store.CreateBatch();
        batch.Put(RegtestColumn.Wallets, Key(wallet.Name), wallet.Serialize());
        batch.Commit();
    }

    private static byte[] Key(string name) => Encoding.UTF8.GetBytes(name);
}
