namespace Blockstack.Bitcoin.Sighash;

/// <summary>Signature hash type values and masks.</summary>
public static class SighashType
{
    /// <summary>BIP341 only: like ALL, but no hash type byte is appended to the signature.</summary>
    public const byte Default = 0x00;
    public const byte All = 0x01;
    public const byte None = 0x02;
    public const byte Single = 0x03;
    public const byte AnyoneCanPay = 0x80;

    /// <summary>The low bits that select outputs in the legacy and BIP143 algorithms.</summary>
    public const int OutputMask = 0x1f;
}
