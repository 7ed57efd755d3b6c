using System.Text.Json;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Partners;

/// <summary>Turns one donation's JSON into a request, or into the problem that rejects it.</summary>
public static class DonationInput
{
    public const string Currency = "CNY";

    public static (DonationRequest? Request, IResult? Problem, Microsoft.AspNetCore.Mvc.ProblemDetails? Details) Parse(JsonElement item, string partnerId)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            var invalid = ApiProblem.Details(StatusCodes.Status400BadRequest, "invalid-request", "The request has invalid fields.",
                "a donation must be a JSON object", [new FieldError("body", "must be a JSON object")]);
            return (null, TypedResults.Problem(invalid), invalid);
        }
        var fields = new FieldReader(item);
        var donationId = fields.Id("donationId", required: true);
        var projectId = fields.Id("projectId", required: true);
        var (donor, orderCount) = MerchantInput.Read(fields);
        // SPEC §7: a points gift gives points and pointsProgram instead of amount.
        var pointsGift = PointsInput.Given(fields, "points") || PointsInput.Given(fields, "pointsProgram");
        var amount = fields.Long("amount", required: !pointsGift, Money.MinDonationFen, Money.MaxDonationFen);
        var (points, pointsProgram) = PointsInput.Read(fields, amountGiven: PointsInput.Given(fields, "amount"));
        var currency = fields.Text("currency", required: false, maxLength: 16);
        var occurredAt = fields.Instant("occurredAt");
        var teamId = fields.Id("teamId", required: false);
        var channel = fields.Id("channel", required: false);
        var pledgeId = fields.Id("pledgeId", required: false);
        if (fields.HasErrors)
        {
            var details = ApiProblem.Details(StatusCodes.Status400BadRequest, "invalid-request", "The request has invalid fields.",
                string.Join("; ", fields.Errors.Select(e => $"{e.Field}: {e.Message}")), fields.Errors);
            return (null, TypedResults.Problem(details), details);
        }
        if (currency is not null && currency != Currency)
        {
            var details = ApiProblem.Details(StatusCodes.Status422UnprocessableEntity, "unsupported-currency", "Only CNY donations are accepted.",
                $"currency {currency} is not supported", [new FieldError("currency", "must be CNY")]);
            return (null, TypedResults.Problem(details), details);
        }
        return (new DonationRequest(partnerId, donationId!, projectId!, donor!, amount ?? 0, Currency, occurredAt, teamId, channel, pledgeId,
            points, pointsProgram, orderCount), null, null);
    }
}
