using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>Examples for SPEC §6's use-of-funds reports and §7's ways of giving (teams, creators, merchants, pledges).</summary>
public sealed class GivingExamples : IOpenApiOperationTransformer
{
    private static JsonObject Report() => new()
    {
        ["reportId"] = "r-2026-10-01",
        ["at"] = "2026-10-01T10:00:00+08:00",
        ["title"] = "Water cellars built in Dingxi",
        ["spent"] = 150_000,
        ["items"] = new JsonArray(
            new JsonObject { ["description"] = "Water cellar", ["quantity"] = 3, ["unit"] = "cellar" },
            new JsonObject { ["description"] = "Families served", ["quantity"] = 42, ["unit"] = "family" }),
        ["evidenceUrl"] = "https://example.org/reports/r-2026-10-01.pdf",
    };

    private static JsonObject ReportEntry()
    {
        var entry = Report();
        entry["projectId"] = "water-2026";
        entry["campaignId"] = "99-giving-day";
        entry["seq"] = 1_804;
        entry["filedAt"] = "2026-10-01T02:05:11.42+00:00";
        return entry;
    }

    private static JsonObject TeamRow(string teamId, string name, string kind, long raised, long matched, long donations, int donors) => new()
    {
        ["partnerId"] = "tencent", ["teamId"] = teamId, ["name"] = name, ["kind"] = kind,
        ["raised"] = raised, ["matched"] = matched, ["donationCount"] = donations, ["donorCount"] = donors,
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        switch (operation.OperationId)
        {
            case "FileReport":
                ExampleSlots.SetRequest(operation, Report());
                ExampleSlots.SetResponse(operation, "201", new JsonObject
                {
                    ["projectId"] = "water-2026", ["reportId"] = "r-2026-10-01", ["report"] = ReportEntry(), ["spent"] = 150_000,
                });
                break;
            case "ListReports":
                ExampleSlots.SetResponse(operation, "200", new JsonObject { ["items"] = new JsonArray(ReportEntry()), ["next"] = null });
                break;
            case "GetMerchantBoard":
                ExampleSlots.SetResponse(operation, "200", new JsonArray(
                    new JsonObject { ["partnerId"] = "taobao", ["merchantId"] = "shop-7781", ["raised"] = 1_250_000, ["orderCount"] = 250_000, ["donationCount"] = 96 },
                    new JsonObject { ["partnerId"] = "meituan", ["merchantId"] = "store-31", ["raised"] = 88_000, ["orderCount"] = 17_600, ["donationCount"] = 12 }));
                break;
            case "PutTeam":
                ExampleSlots.SetRequest(operation, new JsonObject { ["campaignId"] = "99-giving-day", ["name"] = "Live room 7", ["goal"] = 5_000_000, ["kind"] = "creator" });
                ExampleSlots.SetResponse(operation, "201", new JsonObject
                {
                    ["partnerId"] = "tencent", ["teamId"] = "live-7", ["campaignId"] = "99-giving-day", ["name"] = "Live room 7", ["goal"] = 5_000_000, ["kind"] = "creator",
                });
                break;
            case "GetTeamBoard":
                ExampleSlots.SetResponse(operation, "200", new JsonArray(
                    TeamRow("live-7", "Live room 7", "creator", 3_120_000, 1_050_000, 5_210, 4_877),
                    TeamRow("runners", "Morning runners", "team", 410_000, 200_000, 388, 120)));
                break;
            case "PutPledge":
                ExampleSlots.SetRequest(operation, new JsonObject { ["projectId"] = "water-2026", ["donorId"] = "u-8f3a", ["amount"] = 3_000, ["dayOfMonth"] = 9 });
                break;
        }
        return Task.CompletedTask;
    }
}
