using System.Text.Json.Nodes;
using CharityDay.Domain.Audit;
using CharityDay.Domain.Reports;
using CharityDay.Domain.Transparency;
using Xunit;

namespace CharityDay.Domain.Tests.Reports;

/// <summary>SPEC §6: a report's ledger event is canonical JSON with every field the spec names; its payload tells replays from conflicts.</summary>
public sealed class UseOfFundsReportTests
{
    private static readonly UseOfFundsReport Report = new("proj-1", "r-1", DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_123), "Quilts \"winter\" \\ 棉被 😀",
        700, [new ReportItem("Quilt", 12, "piece")], "https://example.org/q?a=1&b=<2>");

    [Fact]
    public void The_event_is_canonical_and_names_every_field()
    {
        var evt = Report.ToEvent(9, "camp-1");
        Assert.Equal(CanonicalJson.Serialize(evt.Json), evt.Json);
        Assert.Equal(LedgerEventTypes.Report, evt.Type);
        Assert.Equal(ReceiptKeys.Report("proj-1", "r-1"), evt.ReceiptKey);
        var o = JsonNode.Parse(evt.Json)!.AsObject();
        Assert.Equal(["at", "campaignId", "evidenceUrl", "items", "projectId", "reportId", "seq", "spent", "title", "type"], o.Select(p => p.Key));
        Assert.Equal(("report", 9L, 700L, "Quilts \"winter\" \\ 棉被 😀", "https://example.org/q?a=1&b=<2>"),
            (o["type"]!.GetValue<string>(), o["seq"]!.GetValue<long>(), o["spent"]!.GetValue<long>(), o["title"]!.GetValue<string>(), o["evidenceUrl"]!.GetValue<string>()));
        Assert.Equal("2026-08-29T10:40:00.123+00:00", o["at"]!.GetValue<string>());
        Assert.Equal("""[{"description":"Quilt","quantity":12,"unit":"piece"}]""", o["items"]!.ToJsonString());
    }

    [Fact]
    public void A_report_without_evidence_has_a_null_evidenceUrl_and_the_same_payload_is_equal_another_is_not()
    {
        var bare = Report with { EvidenceUrl = null, Items = [] };
        Assert.Null(JsonNode.Parse(bare.ToEvent(1, "c").Json)!["evidenceUrl"]);
        Assert.Equal(Report.PayloadJson, (Report with { Items = [new ReportItem("Quilt", 12, "piece")] }).PayloadJson);
        Assert.NotEqual(Report.PayloadJson, (Report with { SpentFen = 701 }).PayloadJson);
        Assert.NotEqual(Report.PayloadJson, bare.PayloadJson);
    }
}
