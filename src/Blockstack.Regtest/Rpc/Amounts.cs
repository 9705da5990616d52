using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blockstack.Regtest.Rpc;

/// <summary>BTC amounts on the wire: JSON numbers with exactly 8 decimals, parsed without floating point.</summary>
public static class Amounts
{
    public const long Coin = 100_000_000;
    public const long MaxMoney = 21_000_000 * Coin;

    /// <summary>A JSON number whose text is the amount with 8 decimals (e.g. <c>50.00000000</c>).</summary>
    public static JsonValue ToJson(long satoshis) => JsonValue.Create(ToDecimal(satoshis));

    /// <summary>A decimal of scale 8, which System.Text.Json writes with its trailing zeros.</summary>
    public static decimal ToDecimal(long satoshis)
    {
        var negative = satoshis < 0;
        var magnitude = negative ? unchecked((ulong)-satoshis) : (ulong)satoshis;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, negative, 8);
    }

    public static string Format(long satoshis) => ToDecimal(satoshis).ToString(CultureInfo.InvariantCulture);

    /// <summary>bitcoind's AmountFromValue: a number or numeric string, ≥ 0, ≤ 21e6 BTC, at most 8 decimals.</summary>
    public static bool TryParse(JsonElement value, out long satoshis, [NotNullWhen(false)] out RpcError? error)
    {
        satoshis = 0;
        error = null;
        string text;
        if (value.ValueKind == JsonValueKind.Number)
        {
            text = value.GetRawText();
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString()!;
        }
        else
        {
            error = RpcError.Type("Amount is not a number or string");
            return false;
        }

        if (!TryParseFixed(text, out satoshis))
        {
            error = RpcError.Type("Invalid amount");
            return false;
        }

        if (satoshis < 0 || satoshis > MaxMoney)
        {
            error = RpcError.Type("Amount out of range");
            return false;
        }

        return true;
    }

    /// <summary>Parses decimal text (optionally with an exponent) into satoshis without rounding.</summary>
    public static bool TryParseFixed(string text, out long satoshis)
    {
        satoshis = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d))
        {
            return false;
        }

        var scaled = d * Coin;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }

        satoshis = (long)scaled;
        return true;
    }
}
