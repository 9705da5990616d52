using System.Text.Json;
using System.Text.Json.Serialization;

namespace Blockstack.Mining;

/// <summary>A coin a commit spends (enough to rebuild and re-sign a replacement).</summary>
public sealed record SpentCoin(
    [property: JsonPropertyName("txid")] string Txid,
    [property: JsonPropertyName("vout")] uint Vout,
    [property: JsonPropertyName("value")] long Value,
    [property: JsonPropertyName("script")] string Script);

/// <summary>A key registration sent and not yet seen in the sortition store.</summary>
public sealed record PendingKeyRegistration(
    [property: JsonPropertyName("txid")] string Txid,
    [property: JsonPropertyName("vrfPublicKey")] string VrfPublicKey,
    [property: JsonPropertyName("sentAtBurnHeight")] ulong SentAtBurnHeight,
    [property: JsonPropertyName("attempts")] int Attempts);

/// <summary>
/// The commit the miner is working on: which burn block it targets (the tip it was built on and
/// tip + 1), every txid sent for it (first attempt and replacements, oldest first), the coins
/// they spend, the last fee rate and fee, the committed Stacks block and the op payload.
/// </summary>
public sealed record OngoingCommit(
    [property: JsonPropertyName("targetBurnHeight")] ulong TargetBurnHeight,
    [property: JsonPropertyName("tipBurnHash")] string TipBurnHash,
    [property: JsonPropertyName("blockHash")] string BlockHash,
    [property: JsonPropertyName("payload")] string Payload,
    [property: JsonPropertyName("burn")] ulong Burn,
    [property: JsonPropertyName("feeRate")] ulong FeeRate,
    [property: JsonPropertyName("fee")] long Fee,
    [property: JsonPropertyName("txids")] IReadOnlyList<string> Txids,
    [property: JsonPropertyName("inputs")] IReadOnlyList<SpentCoin> Inputs,
    [property: JsonPropertyName("changeVout")] uint ChangeVout)
{
    public string LastTxid => Txids[^1];
}

/// <summary>A block the miner assembled and committed to, kept until its target sortition is decided.</summary>
public sealed record AssembledBlockRecord(
    [property: JsonPropertyName("targetBurnHeight")] ulong TargetBurnHeight,
    [property: JsonPropertyName("blockHash")] string BlockHash,
    [property: JsonPropertyName("block")] string Block,
    [property: JsonPropertyName("won")] bool Won);

/// <summary>Everything the miner must remember across restarts (stacks-core lost "did I win" on restart, #5750).</summary>
public sealed record MinerState(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("vrfKey")] string VrfKey,
    [property: JsonPropertyName("keyRegistration")] PendingKeyRegistration? KeyRegistration,
    [property: JsonPropertyName("ongoing")] OngoingCommit? Ongoing,
    [property: JsonPropertyName("blocks")] IReadOnlyList<AssembledBlockRecord> Blocks)
{
    public const int CurrentVersion = 1;
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(MinerState))]
internal sealed partial class MinerStateJson : JsonSerializerContext;

/// <summary>
/// The state file <c>miner-state.json</c> in the state directory, replaced atomically: written to
/// a temporary file, flushed to disk, then renamed over the old one. Owner-only on Unix (it holds
/// the VRF private key).
/// </summary>
public sealed class MinerStateFile
{
    public const string FileName = "miner-state.json";

    public MinerStateFile(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
        Path = System.IO.Path.Combine(directory, FileName);
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>The stored state, or null when there is none yet. A corrupt file is an error with its path, never silently replaced.</summary>
    public MinerState? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize(File.ReadAllBytes(Path), MinerStateJson.Default.MinerState);
            if (state is null || state.Version != MinerState.CurrentVersion || string.IsNullOrEmpty(state.VrfKey))
            {
                throw new InvalidDataException($"miner state {Path} has an unknown version or no VRF key; move it away to start afresh (a new VRF key will be registered)");
            }

            return state with { Blocks = state.Blocks ?? [] };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"miner state {Path} is not valid JSON: {e.Message}; move it away to start afresh", e);
        }
    }

    public void Save(MinerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        System.IO.Directory.CreateDirectory(Directory);
        var temp = Path + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(state, MinerStateJson.Default.MinerState);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
