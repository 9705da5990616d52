using Blockstack.Burnchain.Rpc;
using Blockstack.Node.Config;

namespace Blockstack.Node.Hosting;

/// <summary>
/// One bounded connectivity check of the configured bitcoind before anything is written: reachable,
/// credentials accepted, same chain as the node's network. Used by <c>start</c> (mode bitcoind)
/// and <c>check-config --probe</c>.
/// </summary>
public static class BurnchainProbe
{
    /// <summary>Null when bitcoind answered getblockchaininfo for the right chain; otherwise the reason.</summary>
    public static async Task<string?> ProbeAsync(BurnchainSection burnchain, string network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(burnchain);
        var host = burnchain.RpcHost.Contains(':', StringComparison.Ordinal) ? "[" + burnchain.RpcHost + "]" : burnchain.RpcHost;
        var where = $"{host}:{burnchain.RpcPort}";
        var options = RpcOptions(burnchain, maxAttempts: 2);
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            return "burnchain RPC settings: " + e.Message;
        }

        using var client = new BitcoinRpcClient(options);
        try
        {
            var info = await client.GetBlockchainInfoAsync(cancellationToken).ConfigureAwait(false);
            var expected = network switch { "mainnet" => "main", "testnet" => "test", _ => "regtest" };
            return info.Chain == expected || (network == "testnet" && info.Chain is "testnet4" or "signet")
                ? null
                : $"bitcoind at {where} runs chain '{info.Chain}', but the node's network is {network} (expected '{expected}')";
        }
        catch (BitcoinRpcAuthException)
        {
            return $"bitcoind at {where} refused the credentials: check burnchain.username/password or burnchain.cookie_file";
        }
        catch (BitcoinRpcUnavailableException e)
        {
            return $"cannot reach bitcoind at {where}: {e.Message}";
        }
        catch (BitcoinRpcException e)
        {
            return $"bitcoind at {where} answered an error: {e.Message}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or TimeoutException)
        {
            return $"cannot reach bitcoind at {where}: {e.Message}";
        }
    }

    /// <summary>The RPC client settings for the configured bitcoind.</summary>
    public static BitcoinRpcOptions RpcOptions(BurnchainSection burnchain, int? maxAttempts = null)
    {
        ArgumentNullException.ThrowIfNull(burnchain);
        var host = burnchain.RpcHost.Contains(':', StringComparison.Ordinal) ? "[" + burnchain.RpcHost + "]" : burnchain.RpcHost;
        var options = new BitcoinRpcOptions
        {
            Endpoint = new Uri($"http://{host}:{burnchain.RpcPort}/"),
            User = burnchain.Username,
            Password = burnchain.Password,
            CookieFile = burnchain.CookieFile,
            RequestTimeout = burnchain.Timeout,
        };
        return maxAttempts is { } n
            ? options with { MaxAttempts = n, InitialRetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromMilliseconds(500) }
            : options;
    }
}
