using System.Globalization;
using System.Runtime.CompilerServices;
using Blockstack.Bns;
using Blockstack.Protos.V1;
using Google.Protobuf;
using Grpc.Core;
using ProtoName = Blockstack.Protos.V1.Name;
using ProtoNamespace = Blockstack.Protos.V1.Namespace;
using ProtoNameStatus = Blockstack.Protos.V1.NameStatus;

namespace Blockstack.Node.Grpc;

/// <summary>
/// <c>blockstack.v1.BnsService</c>: a thin adapter over <see cref="IBnsQueries"/>. Domain errors are
/// kebab-case codes mapped to canonical status codes here (docs/api.md).
/// </summary>
public sealed class BnsGrpcService(IBnsQueries queries) : BnsService.BnsServiceBase
{
    /// <summary>
    /// Finished ResolveName answers, kept as long as the <see cref="NameInfo"/> they were made from
    /// (the queries cache one per name and tip, so an answer lives until the next block). Only
    /// answers that can no longer change are kept: the name has no zonefile hash, or its zonefile
    /// (content addressed) is stored. The messages are never changed after they are cached, so
    /// concurrent calls may serialize the same one.
    /// </summary>
    private readonly ConditionalWeakTable<NameInfo, ResolveNameResponse> _resolved = new();

    public override Task<ResolveNameResponse> ResolveName(ResolveNameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var id = Check(BnsNames.ParseFqn(request.Name));
        var info = Check(queries.GetName(id));
        var shared = queries.SharesNameInfos;
        if (shared && _resolved.TryGetValue(info, out var cached))
        {
            return Task.FromResult(cached);
        }

        var response = new ResolveNameResponse
        {
            Name = info.Id.Fqn,
            Owner = info.Owner.ToString(),
            ZonefileHash = info.ZonefileHash.ToHex(),
            Status = Status(info.Status),
        };
        var complete = info.ZonefileHash.Length != BnsConstants.HashLength;
        if (!complete && queries.GetZonefile(info.ZonefileHash) is { IsOk: true } z)
        {
            // Zonefile contents are content addressed and never written to after they are stored.
            response.Zonefile = UnsafeByteOperations.UnsafeWrap(z.Value);
            complete = true;
        }

        if (shared && complete)
        {
            _resolved.TryAdd(info, response);
        }

        return Task.FromResult(response);
    }

    public override Task<ProtoName> GetName(GetNameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var id = Check(BnsNames.ParseFqn(request.Name));
        BnsNameProof? proof = null;
        if (request.IncludeProof)
        {
            if (queries is not IBnsProofs prover)
            {
                throw new RpcException(new Status(StatusCode.Unimplemented, "bns-proof-unavailable: this node's BNS queries are not backed by the chain state trie"));
            }

            proof = Check(prover.ProveName(id));
        }

        var info = Check(queries.GetName(id));
        var name = ToProto(info);
        if (proof is not null)
        {
            name.Proof = ToProto(proof, proof.Properties);
            name.OwnerProof = ToProto(proof, proof.Owner);
        }

        if (queries.GetZonefile(info.Id) is { IsOk: true } z)
        {
            name.Zonefile = ByteString.CopyFrom(z.Value.Content);
        }

        return Task.FromResult(name);
    }

    public override Task<ListNamesResponse> ListNames(ListNamesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var ns = Check(BnsNames.ParseNamespace(request.Namespace));
        var scope = "names/" + request.Namespace;
        var size = PageSize(request.PageSize);
        var page = Check(queries.ListNames(ns, Token(request.PageToken, scope), size));
        var response = new ListNamesResponse { NextPageToken = BnsPageToken.Encode(scope, page.NextCursor) };
        response.Names.AddRange(page.Items.Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<ListNamesResponse> ListNamesByOwner(ListNamesByOwnerRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var owner = Check(BnsNames.ParsePrincipal(request.Owner));
        var scope = "owner/" + request.Owner;
        var size = PageSize(request.PageSize);
        var page = queries.ListNamesByOwner(owner, Token(request.PageToken, scope), size);
        var response = new ListNamesResponse { NextPageToken = BnsPageToken.Encode(scope, page.NextCursor) };
        response.Names.AddRange(page.Items.Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<GetNameHistoryResponse> GetNameHistory(GetNameHistoryRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var id = Check(BnsNames.ParseFqn(request.Name));
        var scope = "history/" + request.Name;
        var size = PageSize(request.PageSize);
        var page = Check(queries.GetNameHistory(id, Token(request.PageToken, scope), size));
        var response = new GetNameHistoryResponse { NextPageToken = BnsPageToken.Encode(scope, page.NextCursor) };
        response.Entries.AddRange(page.Items.Select(e => new Protos.V1.NameHistoryEntry
        {
            Operation = Operation(e.Operation),
            Txid = e.Txid,
            BlockHeight = e.BlockHeight,
            Owner = e.Owner.ToString(),
            ZonefileHash = e.ZonefileHash.ToHex(),
        }));
        return Task.FromResult(response);
    }

    public override Task<ListNamespacesResponse> ListNamespaces(ListNamespacesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var size = PageSize(request.PageSize);
        var page = queries.ListNamespaces(Token(request.PageToken, "namespaces"), size);
        var response = new ListNamespacesResponse { NextPageToken = BnsPageToken.Encode("namespaces", page.NextCursor) };
        response.Namespaces.AddRange(page.Items.Select(ToProto));
        return Task.FromResult(response);
    }

    public override Task<ProtoNamespace> GetNamespace(GetNamespaceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        return Task.FromResult(ToProto(Check(queries.GetNamespace(Check(BnsNames.ParseNamespace(request.Namespace))))));
    }

    public override Task<Price> GetNamePrice(GetNamePriceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var price = Check(queries.GetNamePrice(Check(BnsNames.ParseFqn(request.Name))));
        return Task.FromResult(new Price { AmountUstx = price.ToString(CultureInfo.InvariantCulture) });
    }

    public override Task<Price> GetNamespacePrice(GetNamespacePriceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var price = Check(queries.GetNamespacePrice(Check(BnsNames.ParseNamespace(request.Namespace))));
        return Task.FromResult(new Price { AmountUstx = price.ToString(CultureInfo.InvariantCulture) });
    }

    public override Task<CanRegisterNameResponse> CanRegisterName(CanRegisterNameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var reason = Check(queries.CanRegisterName(Check(BnsNames.ParseFqn(request.Name))));
        return Task.FromResult(new CanRegisterNameResponse { Available = reason is null, Reason = reason ?? "" });
    }

    public override Task<Zonefile> GetZonefile(GetZonefileRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        switch (request.IdCase)
        {
            case GetZonefileRequest.IdOneofCase.Name:
                var byName = Check(queries.GetZonefile(Check(BnsNames.ParseFqn(request.Name))));
                return Task.FromResult(new Zonefile { ZonefileHash = byName.Hash.ToHex(), Content = ByteString.CopyFrom(byName.Content) });
            case GetZonefileRequest.IdOneofCase.ZonefileHash:
                if (request.ZonefileHash.Length != 40 || !IsHex(request.ZonefileHash))
                {
                    throw Fail(BnsQueryErrors.ZonefileHashInvalid, "zonefile_hash must be 40 hex digits");
                }

                var hash = Buff.FromHex(request.ZonefileHash);
                var content = Check(queries.GetZonefile(hash));
                return Task.FromResult(new Zonefile { ZonefileHash = hash.ToHex(), Content = ByteString.CopyFrom(content) });
            default:
                throw Fail(BnsQueryErrors.NameInvalid, "set either name or zonefile_hash");
        }
    }

    public override Task<PutZonefileResponse> PutZonefile(PutZonefileRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Ready();
        var (hash, names) = Check(queries.PutZonefile(request.Content.Span));
        var response = new PutZonefileResponse { ZonefileHash = hash.ToHex() };
        response.Names.AddRange(names.Select(n => n.Fqn));
        return Task.FromResult(response);
    }

    public override async Task WatchNames(WatchNamesRequest request, IServerStreamWriter<NameEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        Ready();
        Buff? ns = string.IsNullOrEmpty(request.Namespace) ? null : Check(BnsNames.ParseNamespace(request.Namespace));
        try
        {
            // The first MoveNextAsync subscribes; the response headers then tell the client the watch is live.
            var events = queries.WatchNames(ns, context.CancellationToken).GetAsyncEnumerator(context.CancellationToken);
            await using (events.ConfigureAwait(false))
            {
                var next = events.MoveNextAsync();
                await context.WriteResponseHeadersAsync([]).ConfigureAwait(false);
                while (await next.ConfigureAwait(false))
                {
                    var e = events.Current;
                    await responseStream.WriteAsync(new NameEvent
                    {
                        Name = e.Name.Fqn,
                        Operation = Operation(e.Operation),
                        Txid = e.Txid,
                        BlockHeight = e.BlockHeight,
                        Owner = e.Owner.ToString(),
                        ZonefileHash = e.ZonefileHash.ToHex(),
                    }, context.CancellationToken).ConfigureAwait(false);
                    next = events.MoveNextAsync();
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // Deadline or client cancel: the framework reports DEADLINE_EXCEEDED / CANCELLED.
            return;
        }

        if (queries.State == BnsServiceState.ShuttingDown)
        {
            throw Fail(BnsQueryErrors.ShuttingDown, "the node is shutting down");
        }
    }

    /// <summary>Maps a kebab-case code to its canonical status code.</summary>
    public static StatusCode StatusFor(string code) => code switch
    {
        BnsQueryErrors.NameNotFound or BnsQueryErrors.NamespaceNotFound or BnsQueryErrors.ZonefileNotFound => StatusCode.NotFound,
        BnsQueryErrors.NotSynced or BnsQueryErrors.ZonefileHashUnknown or BnsQueryErrors.PriceUndefined => StatusCode.FailedPrecondition,
        BnsQueryErrors.ShuttingDown => StatusCode.Unavailable,
        _ => StatusCode.InvalidArgument,
    };

    private void Ready()
    {
        switch (queries.State)
        {
            case BnsServiceState.Syncing:
                throw Fail(BnsQueryErrors.NotSynced, "the node is not synced yet; BNS state is not at the canonical tip");
            case BnsServiceState.ShuttingDown:
                throw Fail(BnsQueryErrors.ShuttingDown, "the node is shutting down");
            default:
                break;
        }
    }

    private static T Check<T>(BnsQueryResult<T> result) => result.IsOk ? result.Value : throw Fail(result.Error.Code, result.Error.Message);

    private static RpcException Fail(string code, string message) =>
        new(new Status(StatusFor(code), $"{code}: {message}"), new Metadata { { "bns-error", code } });

    private static int PageSize(int requested) => requested switch
    {
        < 0 => throw Fail(BnsQueryErrors.PageSizeInvalid, $"page_size must not be negative (got {requested})"),
        0 => BnsPageToken.DefaultPageSize,
        _ => Math.Min(requested, BnsPageToken.MaxPageSize),
    };

    private static byte[]? Token(string token, string scope) =>
        BnsPageToken.TryDecode(token, scope, out var cursor)
            ? cursor
            : throw Fail(BnsQueryErrors.PageTokenInvalid, "page_token is malformed or belongs to a request with other parameters");

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

    private static ProtoNameStatus Status(Bns.NameStatus s) => s switch
    {
        Bns.NameStatus.Active => ProtoNameStatus.Active,
        Bns.NameStatus.Grace => ProtoNameStatus.Grace,
        Bns.NameStatus.Expired => ProtoNameStatus.Expired,
        Bns.NameStatus.Revoked => ProtoNameStatus.Revoked,
        _ => ProtoNameStatus.Unspecified,
    };

    private static string Operation(NameOperation op) => op switch
    {
        NameOperation.Import => "import",
        NameOperation.Register => "register",
        NameOperation.Update => "update",
        NameOperation.Transfer => "transfer",
        NameOperation.Renew => "renew",
        NameOperation.Revoke => "revoke",
        _ => "unknown",
    };

    private static ulong U64(UInt128? v) => v is { } x ? (ulong)UInt128.Min(x, ulong.MaxValue) : 0;

    private static ProtoName ToProto(NameInfo info) => new()
    {
        Name_ = info.Id.Fqn,
        Namespace = info.Id.Namespace.ToAscii(),
        Owner = info.Owner.ToString(),
        ZonefileHash = info.ZonefileHash.ToHex(),
        RegisteredAt = U64(info.LeaseStartedAt),
        LeaseStartedAt = U64(info.LeaseStartedAt),
        ExpiresAt = U64(info.LeaseEndsAt),
        Status = Status(info.Status),
        LastTxid = info.LastTxid,
    };

    private static NameProof ToProto(BnsNameProof proof, BnsProofEntry entry) => new()
    {
        IndexBlockHash = proof.BlockId.ToString(),
        StateRoot = proof.StateRoot.ToString(),
        BlockHeight = proof.Height,
        Key = ByteString.CopyFrom(entry.Key),
        Value = ByteString.CopyFrom(entry.Value ?? []),
        Proof = ByteString.CopyFrom(entry.Proof),
    };

    private static ProtoNamespace ToProto(NamespaceInfo n)
    {
        var r = n.Record;
        var p = new ProtoNamespace
        {
            Namespace_ = n.Namespace.ToAscii(),
            ImportPrincipal = r.ImportPrincipal.ToString(),
            Launched = r.LaunchedAt is not null,
            RevealedAt = U64(r.RevealedAt),
            LaunchedAt = U64(r.LaunchedAt),
            Lifetime = U64(r.Lifetime),
            CanUpdatePriceFunction = r.CanUpdatePriceFunction,
            PriceFunction = new Protos.V1.PriceFunction
            {
                Base = U64(r.PriceFunction.Base),
                Coeff = U64(r.PriceFunction.Coeff),
                NonalphaDiscount = (uint)UInt128.Min(r.PriceFunction.NonAlphaDiscount, uint.MaxValue),
                NoVowelDiscount = (uint)UInt128.Min(r.PriceFunction.NoVowelDiscount, uint.MaxValue),
            },
        };
        p.PriceFunction.Buckets.AddRange(r.PriceFunction.Buckets.Select(b => (uint)UInt128.Min(b, uint.MaxValue)));
        return p;
    }
}
