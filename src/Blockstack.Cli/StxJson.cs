using System.Text.Json.Nodes;
using Blockstack.Stacks;

namespace Blockstack.Cli;

/// <summary>The JSON shape of a decoded Stacks transaction (snake_case, amounts as numbers).</summary>
internal static class StxJson
{
    public static JsonObject Transaction(StacksTransaction tx, bool signatureValid, string? signatureError)
    {
        var auth = new JsonObject
        {
            ["type"] = tx.Auth.Type == AuthType.Standard ? "standard" : "sponsored",
            ["origin"] = Condition(tx.Auth.Origin, tx.Version),
        };
        if (tx.Auth.Sponsor is { } sponsor)
        {
            auth["sponsor"] = Condition(sponsor, tx.Version);
        }

        var json = new JsonObject
        {
            ["txid"] = tx.Txid.ToString(),
            ["version"] = tx.IsMainnet ? "mainnet" : "testnet",
            ["chain_id"] = tx.ChainId,
            ["auth"] = auth,
            ["anchor_mode"] = tx.AnchorMode switch
            {
                AnchorMode.OnChainOnly => "on_chain_only",
                AnchorMode.OffChainOnly => "off_chain_only",
                _ => "any",
            },
            ["post_condition_mode"] = tx.PostConditionMode == PostConditionMode.Allow ? "allow" : "deny",
            ["post_conditions"] = new JsonArray([.. tx.PostConditions.Select(PostCondition)]),
            ["payload"] = Payload(tx.Payload),
            ["signature_valid"] = signatureValid,
        };
        if (signatureError is not null)
        {
            json["signature_error"] = signatureError;
        }

        return json;
    }

    private static JsonObject Condition(SpendingCondition c, TransactionVersion version)
    {
        var json = new JsonObject
        {
            ["hash_mode"] = c.HashMode.ToString().ToLowerInvariant(),
            ["signer"] = c.Signer.ToHex(),
            ["address"] = c.Address(version).ToString(),
            ["nonce"] = c.Nonce,
            ["fee"] = c.Fee,
        };
        switch (c)
        {
            case SingleSigSpendingCondition s:
                json["key_encoding"] = s.KeyEncoding == KeyEncoding.Compressed ? "compressed" : "uncompressed";
                json["signature"] = s.Signature.ToHex();
                break;
            case MultiSigSpendingCondition m:
                json["signatures_required"] = m.SignaturesRequired;
                json["fields"] = new JsonArray([.. m.Fields.Select(f => (JsonNode)new JsonObject
                {
                    ["type"] = f.IsSignature ? "signature" : "public_key",
                    ["key_encoding"] = f.KeyEncoding == KeyEncoding.Compressed ? "compressed" : "uncompressed",
                    ["value"] = f.IsSignature ? f.Signature.ToHex() : Convert.ToHexStringLower(f.PublicKey!),
                })]);
                break;
        }

        return json;
    }

    private static JsonNode PostCondition(PostCondition pc)
    {
        var json = new JsonObject { ["principal"] = pc.Principal.ToString() };
        switch (pc)
        {
            case StxPostCondition s:
                json["type"] = "stx";
                json["condition_code"] = Code(s.Code);
                json["amount"] = s.Amount;
                break;
            case FungiblePostCondition f:
                json["type"] = "fungible";
                json["asset"] = f.Asset.ToString();
                json["condition_code"] = Code(f.Code);
                json["amount"] = f.Amount;
                break;
            case NonfungiblePostCondition n:
                json["type"] = "non_fungible";
                json["asset"] = n.Asset.ToString();
                json["asset_value"] = n.AssetValue.ToRepr();
                json["condition_code"] = n.Code == NonfungibleConditionCode.Sent ? "sent" : "not_sent";
                break;
        }

        return json;
    }

    private static string Code(FungibleConditionCode code) => code switch
    {
        FungibleConditionCode.SentEq => "sent_eq",
        FungibleConditionCode.SentGt => "sent_gt",
        FungibleConditionCode.SentGe => "sent_ge",
        FungibleConditionCode.SentLt => "sent_lt",
        _ => "sent_le",
    };

    private static JsonObject Payload(TransactionPayload payload) => payload switch
    {
        TokenTransferPayload t => new JsonObject
        {
            ["type"] = "token_transfer",
            ["recipient"] = t.Recipient.ToString(),
            ["amount"] = t.Amount,
            ["memo"] = Convert.ToHexStringLower(t.Memo),
        },
        ContractCallPayload c => new JsonObject
        {
            ["type"] = "contract_call",
            ["contract_address"] = c.ContractAddress.ToString(),
            ["contract_name"] = c.ContractName,
            ["function_name"] = c.FunctionName,
            ["function_args"] = new JsonArray([.. c.Arguments.Select(a => (JsonNode)new JsonObject { ["hex"] = a.ToHex(), ["repr"] = a.ToRepr() })]),
        },
        SmartContractPayload s => new JsonObject
        {
            ["type"] = "smart_contract",
            ["contract_name"] = s.Name,
            ["clarity_version"] = s.ClarityVersion,
            ["code_body"] = s.Code,
        },
        CoinbasePayload cb => new JsonObject
        {
            ["type"] = cb.Recipient is null ? "coinbase" : "coinbase_to_alt_recipient",
            ["buffer"] = cb.Buffer.ToHex(),
            ["recipient"] = cb.Recipient?.ToString(),
        },
        PoisonMicroblockPayload p => new JsonObject
        {
            ["type"] = "poison_microblock",
            ["first"] = p.First.Hash.ToString(),
            ["second"] = p.Second.Hash.ToString(),
        },
        _ => new JsonObject { ["type"] = payload.Type.ToString() },
    };
}
