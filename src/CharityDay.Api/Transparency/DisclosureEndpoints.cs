using System.Diagnostics;
using System.Globalization;
using System.Text;
using CharityDay.Api.Http;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Transparency;

/// <summary>
/// SPEC §6 public disclosure of a campaign: per project what it raised, was matched (by pool and
/// sponsor), had refunded, and from which partners; per pool its budget and balance; the ledger's
/// checkpoints. Public, no key; never asks the campaign's writer (see <see cref="DisclosureCache"/>).
/// </summary>
public static class DisclosureEndpoints
{
    public static void MapDisclosure(this IEndpointRouteBuilder app) =>
        app.MapGroup("").RequireRateLimiting(PublicReadLimits.Policy).MapGet("/v1/campaigns/{campaignId}/disclosure", Get);

    private static async Task<IResult> Get(string campaignId, HttpContext context, CatalogReplica catalog, CampaignSnapshots snapshots, DisclosureCache cache)
    {
        if (!Identifiers.IsValid(campaignId))
        {
            return ApiProblem.InvalidId("campaignId");
        }
        var query = new StrictQuery(context.Request, "format");
        var format = query.Format("json", "csv");
        if (query.HasErrors)
        {
            return query.Problem;
        }
        if (!await catalog.CampaignExistsAsync(campaignId, acceptRecentMiss: true))
        {
            Cacheable(context.Response, catalog.AsOf(campaignId));
            return ApiProblem.NotFound("campaignId", $"campaign {campaignId} does not exist");
        }
        var started = Stopwatch.GetTimestamp();
        using var activity = CharityDayTelemetry.Source.StartActivity("export disclosure");
        activity?.SetTag("charityday.campaign", campaignId);
        var (figures, figuresAsOf) = await cache.GetAsync(campaignId);
        var copy = await snapshots.GetAsync(campaignId);
        // Complete up to the older of its two sources: the ledger read (money) and the snapshot (names, pools).
        var asOf = figuresAsOf < copy.AsOf ? figuresAsOf : copy.AsOf;
        var disclosure = CampaignDisclosure.Build(campaignId, copy.Snapshot, figures.Ledger, figures.Checkpoints);
        Cacheable(context.Response, asOf);
        TransparencyTelemetry.Record("disclosure", format!, "ok", disclosure.Projects.Count, started);
        return format == "csv"
            ? TypedResults.Text(Csv(disclosure), "text/csv; charset=utf-8; header=present", Encoding.UTF8)
            : TypedResults.Ok(Json(disclosure, asOf));
    }

    private static object Json(CampaignDisclosure d, DateTimeOffset asOf) => new
    {
        campaignId = d.CampaignId,
        name = d.Name,
        asOf = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        raised = d.Projects.Sum(p => p.RaisedFen),
        matched = d.Projects.Sum(p => p.MatchedFen),
        spent = d.Projects.Sum(p => p.SpentFen),
        refunded = d.Projects.Sum(p => p.RefundedFen),
        donationCount = d.Projects.Sum(p => p.DonationCount),
        projects = d.Projects.Select(p => new
        {
            projectId = p.ProjectId,
            name = p.Settings?.Name,
            organization = p.Settings?.Organization,
            parentProjectId = p.Settings?.ParentProjectId,
            raised = p.RaisedFen,
            matched = p.MatchedFen,
            matchedByPool = p.MatchedByPool.Select(m => new { poolId = m.PoolId, sponsor = m.Sponsor, matched = m.MatchedFen }),
            matchedBySponsor = p.MatchedByPool.GroupBy(m => m.Sponsor ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.MatchedFen)),
            refunded = p.RefundedFen,
            donationCount = p.DonationCount,
            byPartner = p.RaisedByPartner,
            spent = p.SpentFen,
            reportCount = p.ReportCount,
        }),
        pools = d.Pools.Select(p => new { poolId = p.PoolId, sponsor = p.Sponsor, budget = p.BudgetFen, matched = p.MatchedFen, remaining = p.RemainingFen }),
        checkpoints = d.Checkpoints.Select(c => new
        {
            seq = c.Seq, firstEvent = c.FirstEvent, lastEvent = c.LastEvent, count = c.Count, root = c.Root, prevHash = c.PrevHash, hash = c.Hash,
            sealedAt = c.SealedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        }),
    };

    /// <summary>
    /// One row per project (the lines a charity files); a project's matching by pool and its partners
    /// in one field each, <c>id:fen</c> joined by <c>;</c> as in the daily export's <c>matches</c>.
    /// Pool balances and checkpoints are in the JSON form.
    /// </summary>
    private static string Csv(CampaignDisclosure d)
    {
        var csv = new StringBuilder("projectId,name,organization,raised,matched,refunded,donationCount,matchedByPool,byPartner,spent,reportCount\r\n");
        foreach (var p in d.Projects)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{ExportColumns.CsvField(p.ProjectId)},{ExportColumns.CsvField(p.Settings?.Name ?? "")},{ExportColumns.CsvField(p.Settings?.Organization ?? "")}," +
                $"{p.RaisedFen},{p.MatchedFen},{p.RefundedFen},{p.DonationCount}," +
                $"{ExportColumns.CsvField(string.Join(';', p.MatchedByPool.Select(m => $"{m.PoolId}:{m.MatchedFen}")))}," +
                $"{ExportColumns.CsvField(string.Join(';', p.RaisedByPartner.Select(e => $"{e.Key}:{e.Value}")))},{p.SpentFen},{p.ReportCount}\r\n");
        }
        return csv.ToString();
    }

    private static void Cacheable(HttpResponse response, DateTimeOffset asOf)
    {
        response.Headers.CacheControl = "public, max-age=1";
        response.Headers[PublicEndpoints.SnapshotAtHeader] = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
