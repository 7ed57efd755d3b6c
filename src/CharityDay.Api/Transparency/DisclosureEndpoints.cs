using System.Diagnostics;
using System.Globalization;
using System.Text;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
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
        TransparencyComposition.PublicCampaignReads(app)
            .MapGet("/disclosure", Get).WithName("GetDisclosure")
            .WithSummary("A campaign's public disclosure: per project raised, matched (by pool and sponsor), refunded, by partner; pools; checkpoints (?format=json|csv)")
            .Produces<CampaignDisclosureView>().AlsoProducesCsv();

    private static async Task<IResult> Get(string campaignId, HttpContext context, CatalogReplica catalog, CampaignSnapshots snapshots, DisclosureCache cache)
    {
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

    private static CampaignDisclosureView Json(CampaignDisclosure d, DateTimeOffset asOf) => new()
    {
        CampaignId = d.CampaignId,
        Name = d.Name,
        AsOf = asOf.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        Raised = d.Projects.Sum(p => p.RaisedFen),
        Matched = d.Projects.Sum(p => p.MatchedFen),
        Spent = d.Projects.Sum(p => p.SpentFen),
        Refunded = d.Projects.Sum(p => p.RefundedFen),
        DonationCount = d.Projects.Sum(p => p.DonationCount),
        Projects = d.Projects.Select(p => new DisclosedProject
        {
            ProjectId = p.ProjectId,
            Name = p.Settings?.Name,
            Organization = p.Settings?.Organization,
            ParentProjectId = p.Settings?.ParentProjectId,
            Raised = p.RaisedFen,
            Matched = p.MatchedFen,
            MatchedByPool = p.MatchedByPool.Select(m => new DisclosedPoolMatch { PoolId = m.PoolId, Sponsor = m.Sponsor, Matched = m.MatchedFen }),
            MatchedBySponsor = p.MatchedByPool.GroupBy(m => m.Sponsor ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.MatchedFen)),
            Refunded = p.RefundedFen,
            DonationCount = p.DonationCount,
            ByPartner = p.RaisedByPartner,
            Spent = p.SpentFen,
            ReportCount = p.ReportCount,
        }),
        Pools = d.Pools.Select(p => new DisclosedPool { PoolId = p.PoolId, Sponsor = p.Sponsor, Budget = p.BudgetFen, Matched = p.MatchedFen, Remaining = p.RemainingFen }),
        Checkpoints = d.Checkpoints.Select(c => new DisclosedCheckpoint
        {
            Seq = c.Seq, FirstEvent = c.FirstEvent, LastEvent = c.LastEvent, Count = c.Count, Root = c.Root, PrevHash = c.PrevHash, Hash = c.Hash,
            SealedAt = c.SealedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
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
