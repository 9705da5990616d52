using Blockstack.Bitcoin.Crypto;
using Blockstack.Stacks;
using Grpc.Core;

namespace Blockstack.Cli.Tests;

/// <summary>The client's small conventions: endpoints, status names, BNS name syntax, salts.</summary>
[Trait("Category", "Unit")]
public class ClientConventionsTests
{
    [Theory]
    [InlineData("127.0.0.1:20443", "http://127.0.0.1:20443/")]
    [InlineData("localhost:80", "http://localhost/")]
    [InlineData("http://node.example:9000", "http://node.example:9000/")]
    [InlineData("[::1]:20443", "http://[::1]:20443/")]
    public void ParseEndpoint_HostPort_HttpUri(string text, string expected) =>
        Assert.Equal(expected, NodeOptions.ParseEndpoint(text).ToString());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("http://127.0.0.1:1/path")]
    [InlineData("")]
    public void ParseEndpoint_NotHostPort_UsageError(string text)
    {
        var e = Assert.Throws<CliException>(() => NodeOptions.ParseEndpoint(text));
        Assert.Equal(CliIo.Usage, e.ExitCode);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, "NOT_FOUND")]
    [InlineData(StatusCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.FailedPrecondition, "FAILED_PRECONDITION")]
    [InlineData(StatusCode.Unavailable, "UNAVAILABLE")]
    [InlineData(StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED")]
    public void StatusName_CanonicalSpelling(StatusCode code, string expected) =>
        Assert.Equal(expected, NodeClient.StatusName(code));

    [Theory]
    [InlineData("alice.id", "alice", "id")]
    [InlineData("a-b_9.x", "a-b_9", "x")]
    public void ParseFqn_Valid_Parts(string text, string name, string ns)
    {
        var parsed = BnsNames.ParseFqn(text);
        Assert.Equal((name, ns), (parsed.Name, parsed.Namespace));
        Assert.Equal(text, parsed.Fqn);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(".id")]
    [InlineData("alice.")]
    [InlineData("al.ice.id")]
    [InlineData("Alice.id")]
    [InlineData("alice.toolongnamespace-abcdef")]
    [InlineData("a+b.id")]
    public void ParseFqn_Invalid_Throws(string text) => Assert.Throws<CliException>(() => BnsNames.ParseFqn(text));

    [Fact]
    public void ParseFqn_NameOf48And49Bytes_LimitHolds()
    {
        Assert.Equal(48, BnsNames.ParseFqn(new string('a', 48) + ".id").Name.Length);
        Assert.Throws<CliException>(() => BnsNames.ParseFqn(new string('a', 49) + ".id"));
    }

    [Fact]
    public void PreorderHashes_AreHash160OfTheConcatenation()
    {
        byte[] salt = [0xde, 0xad];
        Assert.Equal(Hashes.Hash160([.. "alice.id"u8, .. salt]), BnsNames.NamePreorderHash(new BnsName("alice", "id"), salt));
        Assert.Equal(Hashes.Hash160([.. "id"u8, .. salt]), BnsNames.NamespacePreorderHash("id", salt));
    }

    [Fact]
    public void DefaultSalt_SameKeyAndNameSame_OtherwiseDifferent()
    {
        Assert.True(StacksPrivateKey.TryParse(TestKey.Alice.Hex, out var alice, out _));
        Assert.True(StacksPrivateKey.TryParse(TestKey.Bob.Hex, out var bob, out _));
        var salt = BnsNames.DefaultSalt(alice, "name/alice.id");
        Assert.Equal(20, salt.Length);
        Assert.Equal(salt, BnsNames.DefaultSalt(alice, "name/alice.id"));
        Assert.NotEqual(salt, BnsNames.DefaultSalt(alice, "name/alice.app"));
        Assert.NotEqual(salt, BnsNames.DefaultSalt(bob, "name/alice.id"));
    }

    [Theory]
    [InlineData(2004, "ERR_NAME_UNAVAILABLE")]
    [InlineData(1001, "ERR_NAMESPACE_PREORDER_NOT_FOUND")]
    [InlineData(4001, "ERR_INSUFFICIENT_FUNDS")]
    [InlineData(9999, null)]
    public void ErrorName_ContractCodes(int code, string? expected) => Assert.Equal(expected, BnsNames.ErrorName(code));
}
