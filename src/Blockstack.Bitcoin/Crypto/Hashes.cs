using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Blockstack.Bitcoin.Crypto;

/// <summary>
/// The one place hashes are computed. SHA-256 and HMAC-SHA512 come from the platform; RIPEMD-160
/// and SHA-512/256 (the FIPS 180-4 variant with its own initial values, not a truncated SHA-512)
/// come from BouncyCastle. All one-shot, span in, span out.
/// </summary>
public static class Hashes
{
    public const int Sha256Size = 32;
    public const int Ripemd160Size = 20;
    public const int Sha512t256Size = 32;

    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> output) => SHA256.HashData(data, output);

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>SHA-256 applied twice, as Bitcoin hashes transactions and headers.</summary>
    public static void Sha256d(ReadOnlySpan<byte> data, Span<byte> output)
    {
        Span<byte> first = stackalloc byte[Sha256Size];
        SHA256.HashData(data, first);
        SHA256.HashData(first, output);
    }

    public static byte[] Sha256d(ReadOnlySpan<byte> data)
    {
        var output = new byte[Sha256Size];
        Sha256d(data, output);
        return output;
    }

    public static void Ripemd160(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var digest = new RipeMD160Digest();
        digest.BlockUpdate(data);
        digest.DoFinal(output);
    }

    public static byte[] Ripemd160(ReadOnlySpan<byte> data)
    {
        var output = new byte[Ripemd160Size];
        Ripemd160(data, output);
        return output;
    }

    /// <summary>RIPEMD-160 of SHA-256: the hash behind P2PKH, P2WPKH and P2SH.</summary>
    public static void Hash160(ReadOnlySpan<byte> data, Span<byte> output)
    {
        Span<byte> sha = stackalloc byte[Sha256Size];
        SHA256.HashData(data, sha);
        Ripemd160(sha, output);
    }

    public static byte[] Hash160(ReadOnlySpan<byte> data)
    {
        var output = new byte[Ripemd160Size];
        Hash160(data, output);
        return output;
    }

    // A SHA-512/t digest derives its initial values by hashing at construction, so each thread
    // keeps one and reuses it.
    [ThreadStatic]
    private static Sha512tDigest? _sha512t256;

    /// <summary>SHA-512/256 as FIPS 180-4 defines it (distinct initial values).</summary>
    public static void Sha512t256(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var digest = _sha512t256 ??= new Sha512tDigest(256);
        digest.Reset(); // cheap; guards against a call that threw half way
        digest.BlockUpdate(data);
        digest.DoFinal(output);
    }

    public static byte[] Sha512t256(ReadOnlySpan<byte> data)
    {
        var output = new byte[Sha512t256Size];
        Sha512t256(data, output);
        return output;
    }

    public static byte[] Sha512(ReadOnlySpan<byte> data) => SHA512.HashData(data);

    public static byte[] HmacSha512(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA512.HashData(key, data);

    public static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    /// <summary>BIP340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || data).</summary>
    public static void TaggedHash(string tag, ReadOnlySpan<byte> data, Span<byte> output)
    {
        Span<byte> tagHash = stackalloc byte[Sha256Size];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tag), tagHash);
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(tagHash);
        h.AppendData(tagHash);
        h.AppendData(data);
        h.GetHashAndReset(output);
    }

    public static byte[] TaggedHash(string tag, ReadOnlySpan<byte> data)
    {
        var output = new byte[Sha256Size];
        TaggedHash(tag, data, output);
        return output;
    }
}
