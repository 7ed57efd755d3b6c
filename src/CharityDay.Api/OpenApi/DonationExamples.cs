using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>Examples for the partner calls, the ones integrators copy first.</summary>
public sealed class DonationExamples : IOpenApiOperationTransformer
{
    private static JsonNode Donation(bool replayed, string status = "accepted") => new JsonObject
    {
        ["donationId"] = "d-20260909-000001",
        ["partnerId"] = "tencent",
        ["projectId"] = "water-2026",
        ["campaignId"] = "99-giving-day",
        ["donorId"] = "u-8f3a",
        ["merchantId"] = null,
        ["orderCount"] = null,
        ["amount"] = 500,
        ["currency"] = "CNY",
        ["occurredAt"] = "2026-09-09T10:00:00+08:00",
        ["teamId"] = null,
        ["channel"] = null,
        ["status"] = status,
        ["acceptedAt"] = "2026-09-09T02:00:00.123+00:00",
        ["refundedAt"] = status == "refunded" ? "2026-09-10T03:00:00+00:00" : null,
        ["matches"] = new JsonArray(new JsonObject { ["poolId"] = "sponsor-a", ["amount"] = 500, ["ratioBps"] = 10000, ["reversed"] = status == "refunded" }),
        ["matchedTotal"] = status == "refunded" ? 0 : 500,
        ["replayed"] = replayed,
    };

    private static JsonNode Body() => new JsonObject
    {
        ["donationId"] = "d-20260909-000001",
        ["projectId"] = "water-2026",
        ["donorId"] = "u-8f3a",
        ["amount"] = 500,
        ["currency"] = "CNY",
        ["occurredAt"] = "2026-09-09T10:00:00+08:00",
    };

    /// <summary>SPEC §7: a merchant's share of its sales, many orders at a time, in place of a donor.</summary>
    private static JsonNode MerchantBody() => new JsonObject
    {
        ["donationId"] = "shop-7781-20260909-10",
        ["projectId"] = "water-2026",
        ["merchantId"] = "shop-7781",
        ["orderCount"] = 240,
        ["amount"] = 1_200,
    };

    private static JsonNode MerchantGift()
    {
        var gift = (JsonObject)Donation(replayed: false);
        gift["donationId"] = "shop-7781-20260909-10";
        gift["donorId"] = null;
        gift["merchantId"] = "shop-7781";
        gift["orderCount"] = 240;
        gift["amount"] = 1_200;
        gift["occurredAt"] = null;
        gift["matches"] = new JsonArray();
        gift["matchedTotal"] = 0;
        return gift;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        switch (operation.OperationId)
        {
            case "PostDonation":
                ExampleSlots.SetRequest(operation, Body());
                ExampleSlots.SetResponse(operation, "201", Donation(replayed: false));
                ExampleSlots.SetResponse(operation, "200", Donation(replayed: true));
                break;
            case "PostDonationBatch":
                var second = (JsonObject)Body();
                second["donationId"] = "d-20260909-000002";
                second["amount"] = 0;
                ExampleSlots.SetRequest(operation, new JsonObject { ["donations"] = new JsonArray(Body(), second, MerchantBody()) });
                ExampleSlots.SetResponse(operation, "200", new JsonObject
                {
                    ["results"] = new JsonArray(
                        new JsonObject { ["index"] = 0, ["status"] = 201, ["donation"] = Donation(replayed: false) },
                        new JsonObject
                        {
                            ["index"] = 1,
                            ["status"] = 400,
                            ["error"] = new JsonObject
                            {
                                ["type"] = ProblemTypes.Uri("invalid-request"),
                                ["title"] = "The request has invalid fields.",
                                ["status"] = 400,
                                ["detail"] = "amount: must be an integer from 1 to 100000000",
                                ["field"] = "amount",
                                ["errors"] = new JsonObject { ["amount"] = new JsonArray("must be an integer from 1 to 100000000") },
                            },
                        },
                        new JsonObject { ["index"] = 2, ["status"] = 201, ["donation"] = MerchantGift() }),
                });
                break;
            case "GetDonation":
                ExampleSlots.SetResponse(operation, "200", Donation(replayed: false));
                break;
            case "RefundDonation":
                ExampleSlots.SetResponse(operation, "200", Donation(replayed: false, status: "refunded"));
                break;
        }
        return Task.CompletedTask;
    }
}
