using System.Text.Json;
using Blockstack.TestKit;

namespace Blockstack.Stacks.Tests;

internal static class VectorData
{
    public static IEnumerable<JsonElement> Cases(string file, string? kind = null)
    {
        using var doc = JsonDocument.Parse(Vectors.ReadText("stacks", file));
        var list = new List<JsonElement>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (kind is null || (c.TryGetProperty("kind", out var k) && k.GetString() == kind))
            {
                list.Add(c.Clone());
            }
        }

        return list;
    }

    public static byte[] Hex(JsonElement e, string name) => Convert.FromHexString(e.GetProperty(name).GetString()!);

    public static string Str(JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
