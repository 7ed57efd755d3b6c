using System.Text.Json.Nodes;
using CharityDay.Domain.Audit;
using CharityDay.Domain.Transparency;

namespace CharityDay.Domain.Reports;

/// <summary>One item a report says was delivered (SPEC §6).</summary>
public sealed record ReportItem(string Description, long Quantity, string Unit);

/// <summary>
/// A use-of-funds report as filed (SPEC §6): never edited or deleted; a correction is a new report
/// (a negative <see cref="SpentFen"/>). <see cref="PayloadJson"/> is the canonical JSON of what the
/// manager sent, so "the same reportId again" is a replay exactly when it is byte-equal.
/// </summary>
public sealed record UseOfFundsReport(
    string ProjectId, string ReportId, DateTimeOffset At, string Title, long SpentFen, IReadOnlyList<ReportItem> Items, string? EvidenceUrl)
{
    /// <summary>The manager's payload in canonical form (the idempotency comparison).</summary>
    public string PayloadJson => CanonicalJson.Serialize(Members(includeSeq: null, campaignId: null));

    /// <summary>
    /// The ledger event: {at, campaignId, evidenceUrl, items:[{description, quantity, unit}], projectId,
    /// reportId, seq, spent, title, type:"report"} in RFC 8785 canonical form. Free text may hold any
    /// character §4 allows, so it goes through <see cref="CanonicalJson"/> (reports are rare; the
    /// donation path's hand-written writer is for the burst).
    /// </summary>
    public LedgerEvent ToEvent(long seq, string campaignId) =>
        new(seq, LedgerEventTypes.Report, ReceiptKeys.Report(ProjectId, ReportId), CanonicalJson.Serialize(Members(seq, campaignId)));

    private JsonObject Members(long? includeSeq, string? campaignId)
    {
        var items = new JsonArray();
        foreach (var item in Items)
        {
            items.Add(new JsonObject { ["description"] = item.Description, ["quantity"] = item.Quantity, ["unit"] = item.Unit });
        }
        var o = new JsonObject
        {
            // The API's own DateTimeOffset form, as every other event's times.
            ["at"] = JsonValue.Create(At),
            ["evidenceUrl"] = EvidenceUrl,
            ["items"] = items,
            ["projectId"] = ProjectId,
            ["reportId"] = ReportId,
            ["spent"] = SpentFen,
            ["title"] = Title,
        };
        if (includeSeq is { } seq)
        {
            o["campaignId"] = campaignId;
            o["seq"] = seq;
            o["type"] = LedgerEventTypes.Report;
        }
        return o;
    }
}
