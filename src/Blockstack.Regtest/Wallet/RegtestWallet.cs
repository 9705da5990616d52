using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blockstack.Regtest.Wallet;

/// <summary>
/// One script the wallet watches: the address, the descriptor it came from, and — for addresses
/// the server made with getnewaddress — the private key, so sendtoaddress can sign.
/// </summary>
public sealed record WalletAddress(string Address, byte[] Script, string Descriptor, byte[]? PrivateKey, bool Internal, string? Label, long Timestamp)
{
    public bool IsMine => PrivateKey is not null;
}

/// <summary>
/// A descriptor wallet: imported addr() descriptors (watch-only) and keys it generated itself.
/// Persisted as one JSON document in the Wallets column.
/// </summary>
public sealed class RegtestWallet
{
    private readonly List<WalletAddress> _addresses = [];
    private readonly Dictionary<string, WalletAddress> _byScriptHex = new(StringComparer.Ordinal);

    public RegtestWallet(string name, bool disablePrivateKeys, bool blank, bool loadOnStartup)
    {
        Name = name;
        DisablePrivateKeys = disablePrivateKeys;
        Blank = blank;
        LoadOnStartup = loadOnStartup;
    }

    public string Name { get; }

    public bool DisablePrivateKeys { get; }

    public bool Blank { get; }

    public bool LoadOnStartup { get; set; }

    public IReadOnlyList<WalletAddress> Addresses => _addresses;

    public WalletAddress? Find(ReadOnlySpan<byte> script) => _byScriptHex.GetValueOrDefault(Convert.ToHexStringLower(script));

    /// <summary>Adds or replaces the entry for a script (an import of the same descriptor updates it).</summary>
    public void Add(WalletAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = Convert.ToHexStringLower(address.Script);
        if (_byScriptHex.TryGetValue(key, out var old))
        {
            _addresses.Remove(old);
            address = address with { PrivateKey = address.PrivateKey ?? old.PrivateKey };
        }

        _addresses.Add(address);
        _byScriptHex[key] = address;
    }

    public byte[] Serialize()
    {
        var addresses = new JsonArray();
        foreach (var a in _addresses)
        {
            addresses.Add(new JsonObject
            {
                ["address"] = a.Address,
                ["script"] = Convert.ToHexStringLower(a.Script),
                ["desc"] = a.Descriptor,
                ["key"] = a.PrivateKey is null ? null : Convert.ToHexStringLower(a.PrivateKey),
                ["internal"] = a.Internal,
                ["label"] = a.Label,
                ["timestamp"] = a.Timestamp,
            });
        }

        var doc = new JsonObject
        {
            ["name"] = Name,
            ["disable_private_keys"] = DisablePrivateKeys,
            ["blank"] = Blank,
            ["load_on_startup"] = LoadOnStartup,
            ["addresses"] = addresses,
        };
        return JsonSerializer.SerializeToUtf8Bytes(doc);
    }

    public static RegtestWallet Deserialize(ReadOnlySpan<byte> bytes)
    {
        var doc = JsonNode.Parse(bytes)!.AsObject();
        var wallet = new RegtestWallet(
            doc["name"]!.GetValue<string>(),
            doc["disable_private_keys"]!.GetValue<bool>(),
            doc["blank"]!.GetValue<bool>(),
            doc["load_on_startup"]!.GetValue<bool>());
        foreach (var node in doc["addresses"]!.AsArray())
        {
            var a = node!.AsObject();
            var key = a["key"]?.GetValue<string>();
            wallet.Add(new WalletAddress(
                a["address"]!.GetValue<string>(),
                Convert.FromHexString(a["script"]!.GetValue<string>()),
                a["desc"]!.GetValue<string>(),
                key is null ? null : Convert.FromHexString(key),
                a["internal"]!.GetValue<bool>(),
                a["label"]?.GetValue<string>(),
                a["timestamp"]!.GetValue<long>()));
        }

        return wallet;
    }
}
