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
        switch (answer.Kind)
        {
            case ReceiptResultKind.NotFound:
                misses.Missed(caller.PartnerId!);
                return ApiProblem.NotFound("donationId", $"donation {donationId} not found for partner {caller.PartnerId}");
            case ReceiptResultKind.NotSealed:
                context.Response.Headers.RetryAfter = answer.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var detail = $"donation {donationId} is in the ledger, but its checkpoint is not sealed yet; retry after {answer.RetryAfterSeconds} s";
                return TypedResults.Problem(ApiProblem.Details(StatusCodes.Status409Conflict, "receipt-not-sealed", "The donation's checkpoint is not sealed yet.", detail,
                    [new FieldError("donationId", detail)]));
            default:
                var r = answer.Receipt!;
                // The event exactly as stored (canonical JSON), so what the partner hashes is what was sealed.
                using (var parsed = JsonDocument.Parse(r.EventJson))
                {
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
    }
}
