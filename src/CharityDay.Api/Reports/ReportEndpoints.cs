using System.Globalization;
using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Transparency;
using CharityDay.Contracts;
using CharityDay.Domain;
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
        app.MapPost("/v1/admin/projects/{projectId}/reports", File);
        var reads = app.MapGroup("").RequireRateLimiting(PublicReadLimits.Policy);
        reads.MapGet("/v1/projects/{projectId}/reports", List);
        reads.MapGet("/v1/projects/{projectId}/reports/{reportId}/receipt", Receipt);
    }

    private static async Task<IResult> File(HttpContext context, string projectId, IGrainFactory grains)
    {
        var (caller, denied) = await Guard.RequireAsync(context, Roles.Manager);
        if (denied is not null)
        {
            return denied;
        }
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
        if (await grains.GetGrain<IAdminReadGrain>(0).GetSetting(AdminKinds.Project, projectId) is not { } row)
        {
            return ApiProblem.NotFound("projectId", $"project {projectId} does not exist");
        }
        var campaignId = AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson).CampaignId;
        if (!caller!.CanManage(campaignId))
        {
            return Guard.OutOfScope(campaignId);
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
    private static object Answer(ReportOutcome outcome) => new
    {
        projectId = outcome.Report!.ProjectId,
        reportId = outcome.Report.ReportId,
        report = Json(outcome.Report),
        spent = outcome.ProjectSpentFen,
    };

    /// <summary>A report as SPEC §6 shows it, in the list and in a filing's answer.</summary>
    public static object Json(ReportView r) => new
    {
        reportId = r.ReportId,
        projectId = r.ProjectId,
        campaignId = r.CampaignId,
        at = r.At,
        title = r.Title,
        spent = r.SpentFen,
        items = r.Items.Select(i => new { description = i.Description, quantity = i.Quantity, unit = i.Unit }),
        evidenceUrl = r.EvidenceUrl,
        seq = r.Seq,
        filedAt = r.FiledAt,
    };

    private static async Task<IResult> List(string projectId, HttpRequest request, HttpResponse response, CatalogReplica catalog, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
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
        return TypedResults.Ok(new
        {
            items = page.Items.Select(Json),
            next = page.Next?.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static async Task<IResult> Receipt(HttpContext context, string projectId, string reportId, CatalogReplica catalog, IGrainFactory grains)
    {
        if (!Identifiers.IsValid(projectId))
        {
            return ApiProblem.InvalidId("projectId");
        }
        if (!Identifiers.IsValid(reportId))
        {
            return ApiProblem.InvalidId("reportId");
        }
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
