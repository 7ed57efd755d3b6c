using System.Diagnostics;
using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Api.Http;
using CharityDay.Api.OpenApi;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Schemas;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain.Transparency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CharityDay.Api.Transparency;

/// <summary>
/// SPEC §6 daily exports: a partner's (or a manager's) donations of one campaign-local day, streamed
/// from the ledger in acceptance order, and the summary of the same rows.
/// </summary>
public static class ExportEndpoints
{
    /// <summary>Bytes gathered before they go to the client: a few rows' worth of syscalls, not a day's worth of memory.</summary>
    public const int FlushBytes = 64 * 1024;

    public static void MapExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/v1/exports").WithTags("Exports").RequireAuthorization(KeyPolicies.PartnerOrManager)
            .ProducesProblems(400, 401, 403, 404, 503);
        exports.MapGet("/donations", Donations).WithName("ExportDonations")
            .WithSummary("One campaign-local day's donations in acceptance order (?campaignId=&day=YYYY-MM-DD&format=csv|jsonl), streamed")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", "application/jsonl").ProducesProblems(429);
        exports.MapGet("/summary", Summary).WithName("ExportSummary")
            .WithSummary("The figures of the same day's rows, per partner and in total (?campaignId=&day=YYYY-MM-DD)")
            .Produces<ExportSummary>();
    }

    private static async Task<IResult> Donations(HttpContext context, Caller caller, CatalogReplica catalog, ILedgerReads ledger, ExportGate gate,
        IAuthorizationService authorization, ILoggerFactory logs)
    {
        var (scope, problem) = await ExportScope.ResolveAsync(context, caller, catalog, authorization, "csv", "jsonl");
        if (scope is null)
        {
            return problem!;
        }
        if (!gate.TryEnter())
        {
            return ApiProblem.Overloaded($"at most {ExportGate.MaxConcurrent} exports stream at once on this server; retry later");
        }
        return new StreamedExport(scope, ledger, gate, logs.CreateLogger("CharityDay.Exports"));
    }

    private static async Task<IResult> Summary(HttpContext context, Caller caller, CatalogReplica catalog, ILedgerReads ledger,
        IAuthorizationService authorization, ILoggerFactory logs)
    {
        var (scope, problem) = await ExportScope.ResolveAsync(context, caller, catalog, authorization);
        if (scope is null)
        {
            return problem!;
        }
        var started = Stopwatch.GetTimestamp();
        using var activity = CharityDayTelemetry.Source.StartActivity("export summary");
        activity?.SetTag("charityday.campaign", scope.CampaignId);
        activity?.SetTag("charityday.day", scope.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var sums = await ledger.SummarizeDonationsAsync(scope.CampaignId, scope.Day, scope.PartnerId, context.RequestAborted);
        var total = ExportSums.Total(sums);
        TransparencyTelemetry.Record("summary", "json", "ok", sums.Count, started);
        logs.CreateLogger("CharityDay.Exports").LogInformation(
            "Export summary of campaign {CampaignId} day {Day} for key {KeyId} ({Role} {PartnerId}): {Rows} donations",
            scope.CampaignId, scope.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), scope.Caller.KeyId, scope.Caller.Role, scope.PartnerId, total.Count);
        return TypedResults.Ok(new ExportSummary
        {
            CampaignId = scope.CampaignId,
            Day = scope.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ByPartner = sums.ToDictionary(s => s.PartnerId, Figures),
            Total = Figures(total),
        });
    }

    private static ExportFigures Figures(ExportSums s) => new() { Count = s.Count, Raised = s.RaisedFen, Refunded = s.RefundedFen, Matched = s.MatchedFen };

    /// <summary>
    /// Writes the rows as the database hands them over: each goes into the response's pipe and the pipe
    /// is flushed every <see cref="FlushBytes"/>, so memory holds one chunk whatever the day's size, and a
    /// slow client slows the read (the flush waits) instead of piling rows up.
    /// </summary>
    private sealed class StreamedExport(ExportScope scope, ILedgerReads ledger, ExportGate gate, ILogger logger) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var started = Stopwatch.GetTimestamp();
            var day = scope.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            using var activity = CharityDayTelemetry.Source.StartActivity("export donations");
            activity?.SetTag("charityday.campaign", scope.CampaignId);
            activity?.SetTag("charityday.day", day);
            activity?.SetTag("charityday.export.format", scope.Format);
            long rows = 0;
            var result = "ok";
            try
            {
                var response = context.Response;
                response.ContentType = scope.Format == "csv" ? "text/csv; charset=utf-8; header=present" : "application/jsonl; charset=utf-8";
                response.Headers.ContentDisposition = $"attachment; filename=\"donations-{scope.CampaignId}-{day}.{scope.Format}\"";
                response.Headers.CacheControl = "no-store";
                var output = response.BodyWriter;
                await using var json = new Utf8JsonWriter(output);
                if (scope.Format == "csv")
                {
                    ExportColumns.WriteCsvHeader(output);
                }
                await foreach (var row in ledger.ExportDonationsAsync(scope.CampaignId, scope.Day, scope.PartnerId, context.RequestAborted))
                {
                    if (scope.Format == "csv")
                    {
                        ExportColumns.WriteCsv(output, row);
                    }
                    else
                    {
                        ExportColumns.WriteJsonLine(json, output, row);
                    }
                    rows++;
                    if (output.UnflushedBytes >= FlushBytes)
                    {
                        await output.FlushAsync(context.RequestAborted);
                    }
                }
                await output.FlushAsync(context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                result = "cancelled";
            }
            catch (Exception e)
            {
                result = "failed";
                activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                logger.LogError(e, "Export of campaign {CampaignId} day {Day} failed after {Rows} rows", scope.CampaignId, day, rows);
                if (!context.Response.HasStarted)
                {
                    throw;
                }
                // The status line is gone: the one honest signal left is a broken transfer, never a file
                // that looks complete without its last rows.
                context.Abort();
            }
            finally
            {
                gate.Exit();
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                activity?.SetTag("charityday.export.rows", rows);
                TransparencyTelemetry.Record("donations", scope.Format, result, rows, started);
                logger.LogInformation(
                    "Export of campaign {CampaignId} day {Day} ({Format}) for key {KeyId} ({Role} {PartnerId}): {Rows} rows in {ElapsedMs:F0} ms, {Result}",
                    scope.CampaignId, day, scope.Format, scope.Caller.KeyId, scope.Caller.Role, scope.PartnerId, rows, elapsedMs, result);
            }
        }
    }
}
