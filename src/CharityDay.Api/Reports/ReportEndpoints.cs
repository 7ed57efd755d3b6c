using System.Globalization;
using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Api.Transparency;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CharityDay.Api.Reports;

/// <summary>
/// SPEC §6 "Use of funds": a manager of the project's campaign files a report (through the campaign's
/// writer, which holds the spent bound); anyone lists a project's reports and fetches a report's receipt.
/// The public reads are answered by the silo's stateless proof reader from the ledger, never by the writer.
/// </summary>
public static class ReportEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void MapReports(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/admin/projects").WithTags("Use of funds").WithIdentifiers("projectId")
            .MapPost("/{projectId}/reports", File).WithName("FileReport").RequireAuthorization(KeyPolicies.Manager)
            .WithSummary("File a use-of-funds report (201; the same reportId and payload: 200 replay; another payload: 409)")
            .Accepts<ReportBody>("application/json")
            .Produces<ReportFiled>(StatusCodes.Status201Created).Produces<ReportFiled>()
            .ProducesProblems(400, 401, 403, 404, 409, 413, 422, 503);
        var reads = app.MapGroup("/v1/projects/{projectId}/reports").WithTags("Use of funds")
            .RequireRateLimiting(PublicReadLimits.Policy).WithIdentifiers("projectId", "reportId")
            .ProducesProblems(400, 404, 429, 503);
        reads.MapGet("", List).WithName("ListReports")
            .WithSummary("A project's use-of-funds reports in filing order, a page at a time (?limit=, ?after=)")
            .Produces<ReportListPage>();
        reads.MapGet("/{reportId}/receipt", Receipt).WithName("GetReportReceipt")
            .WithSummary("A report's receipt: its ledger event and audit path to a sealed checkpoint (409 until sealed)")
            .Produces<DonationReceipt>().ProducesProblems(409);
    }

    private static async Task<IResult> File(HttpContext context, Caller caller, string projectId, IGrainFactory grains, IAuthorizationService authorization)
    {
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Project, projectId) is not { } row)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var campaignId = AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson).CampaignId;
        if (await authorization.RefuseAsync(caller, campaignId, write: true) is { } outOfScope)
        {
            return outOfScope;
        }
        var (body, malformed) = await JsonBody.ReadObjectAsync(context.Request, JsonBody.DefaultLimitBytes);
        if (malformed is not null)
        {
            return malformed;
        }
        var (filing, invalid) = ReportInput.Read(body, projectId, campaignId);
        if (invalid is not null)
        {
            return invalid;
        }
        var outcome = await grains.GetGrain<ICampaignGrain>(campaignId).FileReport(filing!);
        return outcome.Result switch
        {
            ReportResult.Filed => TypedResults.Json(Answer(outcome), statusCode: StatusCodes.Status201Created),
            ReportResult.Replayed => TypedResults.Ok(Answer(outcome)),
            ReportResult.ProjectNotFound => ApiProblem.NotFound("projectId", outcome.Detail ?? $"project {projectId} does not exist"),
            ReportResult.Conflict => ApiProblem.Conflict("reportId", outcome.Detail ?? "another payload"),
            _ => ApiProblem.NotAllowed("spent-out-of-bounds", "The project's spent would leave [0, raised + matched].", "spent", outcome.Detail ?? "out of bounds"),
        };
    }

    /// <summary>The report and the project's spent after it (for a replay: now).</summary>
    private static ReportFiled Answer(ReportOutcome outcome) => new()
    {
        ProjectId = outcome.Report!.ProjectId,
        ReportId = outcome.Report.ReportId,
        Report = Json(outcome.Report),
        Spent = outcome.ProjectSpentFen,
    };

    /// <summary>A report as SPEC §6 shows it, in the list and in a filing's answer.</summary>
    public static ReportEntry Json(ReportView r) => new()
    {
        ReportId = r.ReportId,
        ProjectId = r.ProjectId,
        CampaignId = r.CampaignId,
        At = r.At,
        Title = r.Title,
        Spent = r.SpentFen,
        Items = r.Items.Select(i => new ReportItem { Description = i.Description, Quantity = i.Quantity, Unit = i.Unit }),
        EvidenceUrl = r.EvidenceUrl,
        Seq = r.Seq,
        FiledAt = r.FiledAt,
    };

    private static async Task<IResult> List(string projectId, HttpRequest request, HttpResponse response, CatalogReplica catalog, IGrainFactory grains)
    {
        var query = new StrictQuery(request, "after", "limit");
        if (query.HasErrors)
        {
            return query.Problem;
        }
        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText))
        {
            if (!TryParse(limitText, 9, out var parsed) || parsed is < 1 or > MaxLimit)
            {
                return ApiProblem.Invalid("limit", $"must be an integer from 1 to {MaxLimit}");
            }
            limit = (int)parsed;
        }
        long after = 0;
        if (request.Query.TryGetValue("after", out var afterText) && !TryParse(afterText, 18, out after))
        {
            return ApiProblem.Invalid("after", "must be the next cursor of the previous page");
        }
        if (await catalog.CampaignOfProjectAsync(projectId, acceptRecentMiss: true) is null)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var page = await grains.GetGrain<ILedgerProofGrain>(0).Reports(projectId, after, limit);
        response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Ok(new ReportListPage
        {
            Items = page.Items.Select(Json),
            Next = page.Next?.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static async Task<IResult> Receipt(HttpContext context, string projectId, string reportId, IGrainFactory grains)
    {
        if (await JsonBody.ReadNoFieldsAsync(context.Request) is { } stray)
        {
            return stray;
        }
        var answer = await grains.GetGrain<ILedgerProofGrain>(0).ReportReceipt(projectId, reportId);
        if (answer.Kind == ReceiptResultKind.NotFound)
        {
            return ApiProblem.NotFound("reportId", $"report {reportId} of project {projectId} not found");
        }
        return ReceiptEndpoints.Answer(context, answer, "reportId", $"report {reportId}");
    }

    private static bool TryParse(Microsoft.Extensions.Primitives.StringValues text, int maxDigits, out long value)
    {
        value = 0;
        return text.Count == 1 && text[0] is { Length: > 0 } digits && digits.Length <= maxDigits && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
