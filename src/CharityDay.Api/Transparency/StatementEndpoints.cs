using System.Diagnostics;
using System.Globalization;
using System.Text;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Schemas;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Domain.Transparency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CharityDay.Api.Transparency;

/// <summary>
/// SPEC §6 sponsor statement: where a pool's matching went, per project and campaign-local day —
/// matched on the day of acceptance, reversed on the day of the refund or clawback. The pool's
/// settings come from the admin store (read-your-writes), its matches from the ledger.
/// </summary>
public static class StatementEndpoints
{
    /// <summary>Under the pool admin's path (its bad-id fallback answers /v1/admin/pools/{**rest}), in a group of its own.</summary>
    public static void MapStatements(this IEndpointRouteBuilder app) =>
        app.MapGroup("/v1/admin/pools").WithTags("Pool admin").WithIdentifiers("poolId")
            .MapGet("/{poolId}/statement", Get).WithName("GetPoolStatement").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("A sponsor statement: the pool's matching per project and campaign-local day (?format=json|csv)")
            .Produces<SponsorStatement>().AlsoProducesCsv()
            .ProducesProblems(400, 401, 403, 404, 503);

    private static async Task<IResult> Get(HttpContext context, Caller caller, string poolId, IGrainFactory grains, ILedgerReads ledger,
        IAuthorizationService authorization, ILoggerFactory logs)
    {
        var query = new StrictQuery(context.Request, "format");
        var format = query.Format("json", "csv");
        if (query.HasErrors)
        {
            return query.Problem;
        }
        var admin = grains.GetGrain<IAdminReadGrain>(0);
        if (await admin.GetSetting(AdminKinds.Pool, poolId) is not { } row)
        {
            return ApiProblem.NotFound("poolId", $"pool {poolId} does not exist");
        }
        var pool = AdminSettingsJson.Load<PoolSettings>(row.SettingsJson);
        if (await authorization.RefuseAsync(caller, pool.CampaignId, write: true) is { } outOfScope)
        {
            return outOfScope;
        }
        var started = Stopwatch.GetTimestamp();
        using var activity = CharityDayTelemetry.Source.StartActivity("export statement");
        activity?.SetTag("charityday.campaign", pool.CampaignId);
        activity?.SetTag("charityday.pool", poolId);
        var zone = await CampaignZoneAsync(admin, pool.CampaignId);
        var rows = PoolStatement.Rows(await ledger.PoolMatchesAsync(poolId, context.RequestAborted), zone);
        var matched = rows.Sum(r => r.NetFen);
        TransparencyTelemetry.Record("statement", format!, "ok", rows.Count, started);
        logs.CreateLogger("CharityDay.Exports").LogInformation(
            "Statement of pool {PoolId} (campaign {CampaignId}) for key {KeyId}: {Rows} rows", poolId, pool.CampaignId, caller.KeyId, rows.Count);
        if (format == "csv")
        {
            return TypedResults.Text(Csv(rows), "text/csv; charset=utf-8; header=present", Encoding.UTF8);
        }
        return TypedResults.Ok(new SponsorStatement
        {
            PoolId = poolId,
            Sponsor = pool.Sponsor,
            Budget = pool.BudgetFen,
            Matched = matched,
            Remaining = Math.Max(0, pool.BudgetFen - matched),
            Rows = rows.Select(r => new PoolStatementLine { ProjectId = r.ProjectId, Day = Day(r.Day), Matched = r.MatchedFen, Reversed = r.ReversedFen, Net = r.NetFen }),
        });
    }

    /// <summary>The campaign's zone as the write path uses it: UTC when the silo does not know it (the write path counts days in UTC then too).</summary>
    private static async Task<TimeZoneInfo> CampaignZoneAsync(IAdminReadGrain admin, string campaignId) =>
        await admin.GetSetting(AdminKinds.Campaign, campaignId) is { } row
        && TimeZoneInfo.TryFindSystemTimeZoneById(AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson).TimeZone, out var zone)
            ? zone
            : TimeZoneInfo.Utc;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Csv(IReadOnlyList<StatementRow> rows)
    {
        var csv = new StringBuilder("projectId,day,matched,reversed,net\r\n");
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{ExportColumns.CsvField(r.ProjectId)},{Day(r.Day)},{r.MatchedFen},{r.ReversedFen},{r.NetFen}\r\n");
        }
        return csv.ToString();
    }
}
