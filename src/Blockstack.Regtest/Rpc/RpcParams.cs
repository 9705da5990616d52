using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Blockstack.Regtest.Rpc;

/// <summary>
/// A method's arguments, positional or named, mapped onto the method's declared parameter names.
/// JSON null counts as "not given", as in bitcoind. Every getter is a <c>Try</c> that hands back
/// bitcoind's error (type errors are -3 "JSON value of type X is not of expected type Y").
/// </summary>
public sealed class RpcParams
{
    private readonly JsonElement?[] _values;

    private RpcParams(string method, JsonElement?[] values)
    {
        Method = method;
        _values = values;
    }

    public string Method { get; }

    public int Count => _values.Length;

    public static RpcParams Empty(string method, int count) => new(method, new JsonElement?[count]);

    /// <summary>Maps a request's params (array, object or absent) onto the method's parameter names.</summary>
    public static bool TryCreate(RpcMethod method, JsonElement? raw, [NotNullWhen(true)] out RpcParams? result, [NotNullWhen(false)] out RpcError? error)
    {
        ArgumentNullException.ThrowIfNull(method);
        var names = method.Parameters;
        var values = new JsonElement?[names.Count];
        result = null;
        error = null;
        if (raw is { ValueKind: JsonValueKind.Array } array)
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (i >= names.Count)
                {
                    error = RpcError.Misc(method.Usage);
                    return false;
                }

                values[i++] = item.ValueKind == JsonValueKind.Null ? null : item;
            }
        }
        else if (raw is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                var index = IndexOf(names, property.Name);
                if (index < 0)
                {
                    error = RpcError.InvalidParameter("Unknown named parameter " + property.Name);
                    return false;
                }

                if (values[index] is not null)
                {
                    error = RpcError.InvalidParameter("Parameter " + property.Name + " specified multiple times");
                    return false;
                }

                values[index] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            }
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (values[i] is null && i < method.Required)
            {
                error = RpcError.Misc(method.Usage);
                return false;
            }
        }

        result = new RpcParams(method.Name, values);
        return true;
    }

    public bool Has(int index) => index < _values.Length && _values[index] is not null;

    public JsonElement? Raw(int index) => index < _values.Length ? _values[index] : null;

    public static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        _ => "number",
    };

    public static RpcError WrongType(JsonElement value, string expected) =>
        RpcError.Type($"JSON value of type {TypeName(value.ValueKind)} is not of expected type {expected}");

    public bool TryGetString(int index, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out RpcError? error, string? fallback = null)
    {
        error = null;
        value = fallback;
        if (Raw(index) is not { } e)
        {
            return value is not null || Missing(out error);
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            error = WrongType(e, "string");
            value = null;
            return false;
        }

        value = e.GetString()!;
        return true;
    }

    public bool TryGetInt(int index, out long value, [NotNullWhen(false)] out RpcError? error, long? fallback = null)
    {
        error = null;
        value = fallback ?? 0;
        if (Raw(index) is not { } e)
        {
            return fallback is not null || Missing(out error);
        }

        if (e.ValueKind != JsonValueKind.Number)
        {
            error = WrongType(e, "number");
            return false;
        }

        if (!e.TryGetInt64(out value))
        {
            error = RpcError.Misc("JSON integer out of range");
            return false;
        }

        return true;
    }

    public bool TryGetBool(int index, out bool value, [NotNullWhen(false)] out RpcError? error, bool? fallback = null)
    {
        error = null;
        value = fallback ?? false;
        if (Raw(index) is not { } e)
        {
            return fallback is not null || Missing(out error);
        }

        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = WrongType(e, "bool");
            return false;
        }

        value = e.GetBoolean();
        return true;
    }

    /// <summary>A verbosity given as a number or (legacy) a bool: false → 0, true → 1.</summary>
    public bool TryGetVerbosity(int index, out long value, [NotNullWhen(false)] out RpcError? error, long fallback)
    {
        error = null;
        value = fallback;
        if (Raw(index) is not { } e)
        {
            return true;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.True:
                value = 1;
                return true;
            case JsonValueKind.False:
                value = 0;
                return true;
            case JsonValueKind.Number when e.TryGetInt64(out value):
                return true;
            default:
                error = WrongType(e, "number");
                return false;
        }
    }

    /// <summary>A 64-hex-digit hash in display order; bitcoind's -8 messages on a bad one.</summary>
    public bool TryGetHash(int index, string name, out Bitcoin.Hash256 value, [NotNullWhen(false)] out RpcError? error)
    {
        value = default;
        if (!TryGetString(index, out var text, out error))
        {
            return false;
        }

        return HashParsing.TryParse(text, name, out value, out error);
    }

    /// <summary>A BTC amount given as a number or a string, at most 8 decimals (bitcoind's AmountFromValue).</summary>
    public bool TryGetAmount(int index, out long satoshis, [NotNullWhen(false)] out RpcError? error, long? fallback = null)
    {
        error = null;
        satoshis = fallback ?? 0;
        if (Raw(index) is not { } e)
        {
            return fallback is not null || Missing(out error);
        }

        return Amounts.TryParse(e, out satoshis, out error);
    }

    public bool TryGetArray(int index, out JsonElement value, [NotNullWhen(false)] out RpcError? error, bool optional = false)
    {
        error = null;
        value = default;
        if (Raw(index) is not { } e)
        {
            return optional || Missing(out error);
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            error = WrongType(e, "array");
            return false;
        }

        value = e;
        return true;
    }

    public bool TryGetObject(int index, out JsonElement value, [NotNullWhen(false)] out RpcError? error, bool optional = false)
    {
        error = null;
        value = default;
        if (Raw(index) is not { } e)
        {
            return optional || Missing(out error);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            error = WrongType(e, "object");
            return false;
        }

        value = e;
        return true;
    }

    private bool Missing(out RpcError error)
    {
        error = RpcError.Misc(string.Create(CultureInfo.InvariantCulture, $"{Method}: missing required argument"));
        return false;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>bitcoind's parsing of hashes given as RPC arguments.</summary>
public static class HashParsing
{
    public static bool TryParse(string text, string name, out Bitcoin.Hash256 value, [NotNullWhen(false)] out RpcError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        error = null;
        if (!IsHex(text))
        {
            error = RpcError.InvalidParameter($"{name} must be hexadecimal string (not '{text}')");
            return false;
        }

        if (text.Length != 64)
        {
            error = RpcError.InvalidParameter(string.Create(CultureInfo.InvariantCulture, $"{name} must be of length 64 (not {text.Length}, for '{text}')"));
            return false;
        }

        value = Bitcoin.Hash256.FromDisplayString(text);
        return true;
    }

    public static bool IsHex(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || text.Length % 2 != 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
