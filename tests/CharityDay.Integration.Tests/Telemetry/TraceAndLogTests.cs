using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Telemetry;

/// <summary>What the host sends over OTLP: one trace per request down to the ledger commit, and logs that carry it.</summary>
[Collection(OtlpCollection.Name)]
public sealed class TraceAndLogTests(OtlpDeployment deployment)
{
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(20);
    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task An_HTTP_donation_is_one_trace_from_the_request_through_the_grain_call_to_the_ledger_commit_linked_to_it()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        await _api.CreatePoolAsync(campaign, new() { ["ratioBps"] = 10_000 });
        var (_, key) = await _api.CreatePartnerAsync();

        // The partner's own trace context comes in with the request, as from an instrumented platform.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpanId = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/donations")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { donationId = ApiClient.NewId("d"), projectId = project, donorId = "u1", amount = 500 }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        using var response = await deployment.Client().SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);

        OtlpSpan? http = null, donate = null, commit = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ExportWait)
        {
            var spans = deployment.Receiver.Spans;
            var trace = spans.Where(s => s.TraceId == traceId).ToList();
            http = trace.FirstOrDefault(s => s.Kind == OtlpSpan.KindServer && s.ParentSpanId == callerSpanId);
            donate = trace.FirstOrDefault(s => s.Kind == OtlpSpan.KindServer && s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Name.Contains("Donate", StringComparison.Ordinal));
            commit = donate is null ? null : spans.FirstOrDefault(s => s.Name == "ledger.commit" && s.Links.Any(l => l.TraceId == traceId && l.SpanId == donate.SpanId));
            if (http is not null && donate is not null && commit is not null)
            {
                break;
            }
            await Task.Delay(200);
        }
        var seen = string.Join("\n", deployment.Receiver.Spans.Where(s => s.TraceId == traceId || s.Name == "ledger.commit").Select(s => s.ToString()));
        Assert.True(http is not null, $"no HTTP server span under the caller's span {callerSpanId} in trace {traceId}; spans:\n{seen}");
        Assert.True(donate is not null, $"no Orleans server span for CampaignGrain.Donate in trace {traceId}; spans:\n{seen}");
        Assert.True(commit is not null, $"no ledger.commit span linked to the Donate span {donate!.SpanId}; spans:\n{seen}");

        // The grain call hangs under the HTTP request, span by span, with nothing missing between.
        var byId = deployment.Receiver.Spans.Where(s => s.TraceId == traceId).GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var chain = new List<OtlpSpan> { donate };
        while (chain[^1].SpanId != http!.SpanId)
        {
            Assert.True(byId.TryGetValue(chain[^1].ParentSpanId, out var parent),
                $"span {chain[^1]} has parent {chain[^1].ParentSpanId}, which was not exported; spans:\n{seen}");
            chain.Add(parent!);
        }
        Assert.Contains(chain, s => s.Kind == OtlpSpan.KindClient && s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.Equal(campaign, commit!.Attributes.GetValueOrDefault("charityday.campaign"));
        Assert.True(long.Parse(commit.Attributes.GetValueOrDefault("charityday.batch_size") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1,
            $"ledger.commit has no batch size: {commit}");
    }

    [Fact]
    public async Task A_log_line_written_inside_a_grain_call_carries_the_request_trace_id_on_OTLP_and_on_the_console()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["ratioBps"] = 10_000 });
        var (_, key) = await _api.CreatePartnerAsync();
        var donor = ApiClient.NewId("u");
        ApiClient.Ensure(await _api.DonateAsync(key, ApiClient.NewId("d"), project, donor, 100), 201);

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/pools/{pool}/clawback")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { donorId = donor, reason = "test" }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Deployment.ManagerKey);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await deployment.Client().SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);

        OtlpLog? log = null;
        var deadline = Stopwatch.StartNew();
        while (log is null && deadline.Elapsed < ExportWait)
        {
            log = deployment.Receiver.Logs.FirstOrDefault(l => l.Body.Contains($"Clawback on pool {pool}", StringComparison.Ordinal));
            await Task.Delay(200);
        }
        Assert.True(log is not null, $"the clawback's log record never arrived over OTLP; logs:\n{string.Join("\n", deployment.Receiver.Logs.TakeLast(20))}");
        Assert.Equal(traceId, log!.TraceId);
        Assert.Equal(16, log.SpanId.Length);

        var line = deployment.Host.Output.Split('\n').FirstOrDefault(l => l.Contains($"Clawback on pool {pool}", StringComparison.Ordinal));
        Assert.True(line is not null, $"no console line for the clawback:\n{deployment.Host.Output}");
        using var json = JsonDocument.Parse(line!);
        var scopes = json.RootElement.GetProperty("Scopes").EnumerateArray();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId);
        Assert.Equal("Information", json.RootElement.GetProperty("LogLevel").GetString());
    }

    [Fact]
    public async Task Donations_write_no_log_line_at_Information_or_above_and_metrics_go_out_over_OTLP()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        await _api.CreatePoolAsync(campaign, new() { ["ratioBps"] = 10_000 });
        var (_, key) = await _api.CreatePartnerAsync();
        // The campaign activates (and logs its rebuild) on the first donation: not counted.
        ApiClient.Ensure(await _api.DonateAsync(key, ApiClient.NewId("d"), project, "u0", 100), 201);
        await Task.Delay(1000);

        var logsBefore = deployment.Receiver.Logs.Count;
        var outputBefore = deployment.Host.Output.Length;
        for (var i = 0; i < 20; i++)
        {
            var id = ApiClient.NewId("d");
            ApiClient.Ensure(await _api.DonateAsync(key, id, project, $"u{i}", 100 + i), 201);
            ApiClient.Ensure(await _api.DonateAsync(key, id, project, $"u{i}", 100 + i), 200);
            ApiClient.Ensure(await _api.DonateAsync(key, id, project, $"u{i}", 99), 409);
        }
        await Task.Delay(1500); // past the OTLP log batch delay

        var newLogs = deployment.Receiver.Logs.Skip(logsBefore).ToList();
        Assert.True(newLogs.Count == 0, $"60 donation requests wrote {newLogs.Count} log records:\n{string.Join("\n", newLogs.Take(10))}");
        var newOutput = deployment.Host.Output[outputBefore..];
        Assert.True(newOutput.Trim().Length == 0, $"60 donation requests wrote to the console:\n{newOutput}");

        Assert.True(deployment.Receiver.Requests.GetValueOrDefault("/v1/metrics") > 0, "no metrics export over OTLP");
        Assert.True(deployment.Receiver.Requests.GetValueOrDefault("/v1/traces") > 0, "no trace export over OTLP");
    }
}
