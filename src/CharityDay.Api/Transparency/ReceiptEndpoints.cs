using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Partners;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Transparency;

/// <summary>
/// SPEC §6: <c>GET /v1/donations/{donationId}/receipt</c> (the partner): the acceptance event, its leaf
/// hash, the checkpoint, its index and count, the RFC 6962 audit path and the root; 409 with
/// Retry-After until the event's checkpoint is sealed; 404 for a donation the partner does not have.
/// </summary>
public static class ReceiptEndpoints
{
    /// <summary>Under the partner's donations (their group's bad-id fallback answers /v1/donations/{**rest}), in a group of its own.</summary>
    public static void MapReceipts(this IEndpointRouteBuilder app) =>
        app.MapGroup("/v1/donations").WithTags("Donations").RequireAuthorization(KeyPolicies.Partner)
            .MapGet("/{donationId}/receipt", Get).WithName("GetDonationReceipt")
            .WithSummary("A donation's receipt: its acceptance event and audit path to a sealed checkpoint (409 until sealed)")
            // SPEC §4: every answer to a partner carries the RateLimit fields, a bad id's 400 too; a read costs no quota.
            .AddEndpointFilter<PartnerReadQuota>().WithIdentifiers("donationId")
            .Produces<DonationReceipt>().ProducesProblems(400, 401, 403, 404, 409, 429, 503);

    private static async Task<IResult> Get(HttpContext context, Caller caller, string donationId, IGrainFactory grains, DonationMissBudget misses)
    {
        if (!misses.MayLookUp(caller.PartnerId!))
        {
            return ApiProblem.RateLimited($"partner {caller.PartnerId} asked for too many unknown donation ids; at most {DonationMissBudget.MissesPerSecond} per second");
        }
        var answer = await grains.GetGrain<ILedgerProofGrain>(0).DonationReceipt(caller.PartnerId!, donationId);
        if (answer.Kind == ReceiptResultKind.NotFound)
        {
            misses.Missed(caller.PartnerId!);
            return ApiProblem.NotFound("donationId", $"donation {donationId} not found for partner {caller.PartnerId}");
        }
        return Answer(context, answer, "donationId", $"donation {donationId}");
    }

    /// <summary>
    /// A found or unsealed receipt as SPEC §6 answers it (a donation's and a use-of-funds report's alike):
    /// 409 with Retry-After until sealed, else the event exactly as stored (canonical JSON), so what is
    /// hashed is what was sealed.
    /// </summary>
    public static IResult Answer(HttpContext context, ReceiptAnswer answer, string field, string subject)
    {
        if (answer.Kind == ReceiptResultKind.NotSealed)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var detail = $"{subject} is in the ledger, but its checkpoint is not sealed yet; retry after {answer.RetryAfterSeconds} s";
            return TypedResults.Problem(ApiProblem.Details(StatusCodes.Status409Conflict, "receipt-not-sealed", "The checkpoint is not sealed yet.", detail,
                [new FieldError(field, detail)]));
        }
        var r = answer.Receipt!;
        using var parsed = JsonDocument.Parse(r.EventJson);
        return TypedResults.Ok(new DonationReceipt
        {
            Event = parsed.RootElement.Clone(),
            LeafHash = r.LeafHash,
            Checkpoint = r.Checkpoint,
            Index = r.Index,
            Count = r.Count,
            Path = r.Path,
            Root = r.Root,
        });
    }
}
