using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.Partners;
using CharityDay.Api.ReadSide;
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
    public static void MapReceipts(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/donations/{donationId}/receipt", Get);

    private static async Task<IResult> Get(HttpContext context, string donationId, IGrainFactory grains, PartnerRateLimiter limiter, DonationMissBudget misses)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Partner);
        if (denied is not null)
        {
            return denied;
        }
        // SPEC §4: every answer to a partner carries the RateLimit fields; a read costs no quota.
        RateLimitHeaders.Write(context.Response, await limiter.TryAcquireAsync(caller!.PartnerId!, 0));
        if (!Domain.Identifiers.IsValid(donationId))
        {
            return ApiProblem.InvalidId("donationId");
        }
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
        return TypedResults.Ok(new
        {
            @event = parsed.RootElement.Clone(),
            leafHash = r.LeafHash,
            checkpoint = r.Checkpoint,
            index = r.Index,
            count = r.Count,
            path = r.Path,
            root = r.Root,
        });
    }
}
