using System.Globalization;
using System.Text.Json;

namespace Blockstack.Burnchain.Rpc;

/// <summary>
/// BTC amounts from bitcoind JSON (numbers with up to 8 decimals) to satoshis, exactly: the raw
/// number text is parsed as a decimal, never as a double (0.1 + 0.2 stays 30,000,000 sats).
/// </summary>
public static class BtcAmount
{
    public const long SatoshisPerBtc = 100_000_000;

    public static bool TryParseSatoshis(string? text, out long satoshis)
    {
        satoshis = 0;
        if (string.IsNullOrEmpty(text)
            || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var btc))
        {
            return false;
        }

        var sats = btc * SatoshisPerBtc;
        if (sats != decimal.Truncate(sats) || sats > long.MaxValue || sats < long.MinValue)
        {
            return false;
        }

        satoshis = (long)sats;
        return true;
    }

    /// <summary>The satoshis of a JSON number element (its raw text), false for anything else.</summary>
    public static bool TryParseSatoshis(JsonElement element, out long satoshis)
    {
        satoshis = 0;
        return element.ValueKind == JsonValueKind.Number && TryParseSatoshis(element.GetRawText(), out satoshis);
    }
}
