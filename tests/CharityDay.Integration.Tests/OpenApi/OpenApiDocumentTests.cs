using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.OpenApi;

/// <summary>
/// SPEC §4: the API is described by an OpenAPI 3.1 document at /openapi/v1.json (every path, the
/// Bearer scheme, every problem type), browsable at /docs; docs/openapi.json is its committed copy,
/// so a change to the API shows in review.
/// </summary>
[Collection(EmbeddedCollection.Name)]
public sealed partial class OpenApiDocumentTests(EmbeddedDeployment deployment)
{
    /// <summary>Set to 1 to write the served document to docs/openapi.json instead of comparing.</summary>
    public const string WriteVariable = "CHARITYDAY_WRITE_OPENAPI";

    private static string CommittedPath => Path.Combine(HostProcess.RepositoryRoot(), "docs", "openapi.json");

    [Fact]
    public async Task The_served_document_is_the_committed_docs_openapi_json()
    {
        var served = Normalize(await ServedAsync());
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served);
            return;
        }
        Assert.True(File.Exists(CommittedPath), $"{CommittedPath} is missing. {HowToRegenerate}");
        var committed = Normalize(await File.ReadAllTextAsync(CommittedPath));
        if (committed != served)
        {
            var line = FirstDifferentLine(committed, served);
            Assert.Fail($"The API changed: /openapi/v1.json differs from docs/openapi.json at line {line.Number}:\n" +
                $"  committed: {line.Committed}\n  served:    {line.Served}\n{HowToRegenerate}");
        }
    }

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_with_every_implemented_SPEC_path()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        var missing = SpecPaths.Implemented.Where(o => paths[o.Path]?[o.Method] is null).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(missing.Count == 0, $"missing from /openapi/v1.json: {string.Join(", ", missing)}");
        foreach (var operation in SpecPaths.Implemented)
        {
            var described = paths[operation.Path]![operation.Method]!;
            var security = described["security"]?.AsArray();
            Assert.True(operation.NeedsKey == (security is { Count: > 0 } && security[0]!["Bearer"] is not null),
                $"{operation.Method} {operation.Path}: expected {(operation.NeedsKey ? "the Bearer requirement" : "no security")}, got {security?.ToJsonString() ?? "none"}");
            var responses = described["responses"]!.AsObject();
            // A success answers JSON, or (exports) a file whose media type the document names with its schema.
            Assert.Contains(responses, r => r.Key.StartsWith('2') && (r.Key == "204" || r.Value!["content"]?.AsObject().Any(c => c.Value?["schema"] is not null) == true));
            Assert.All(responses.Where(r => r.Key[0] is '4' or '5'),
                r => Assert.Equal("#/components/schemas/ProblemDetails", r.Value!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>()));
        }
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_request_body_is_a_named_schema_and_the_donation_report_and_giving_calls_have_examples()
    {
        var paths = JsonNode.Parse(await ServedAsync())!["paths"]!.AsObject();
        foreach (var (path, operations) in paths)
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                if (operation!["requestBody"] is { } body)
                {
                    var reference = body["content"]!["application/json"]!["schema"]!["$ref"]?.GetValue<string>();
                    Assert.True(reference?.StartsWith("#/components/schemas/", StringComparison.Ordinal) == true, $"{method} {path}: body schema is not named: {body.ToJsonString()}");
                }
            }
        }
        var post = paths["/v1/donations"]!["post"]!;
        Assert.Equal(500, post["requestBody"]!["content"]!["application/json"]!["example"]!["amount"]!.GetValue<int>());
        Assert.False(post["responses"]!["201"]!["content"]!["application/json"]!["example"]!["replayed"]!.GetValue<bool>());
        Assert.True(post["responses"]!["200"]!["content"]!["application/json"]!["example"]!["replayed"]!.GetValue<bool>());
        Assert.NotNull(paths["/v1/donations/batch"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!["donations"]);
        Assert.Equal("refunded", paths["/v1/donations/{donationId}/refund"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!["status"]!.GetValue<string>());
        // Issue 19: merchant gifts, use-of-funds reports, creator fundraisers and the merchant board have examples too.
        var batch = paths["/v1/donations/batch"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!["donations"]!.AsArray();
        Assert.Contains(batch, d => d!["merchantId"] is not null && d["orderCount"] is not null && d["donorId"] is null);
        Assert.Equal(150_000, paths["/v1/admin/projects/{projectId}/reports"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!["spent"]!.GetValue<int>());
        Assert.NotNull(paths["/v1/admin/projects/{projectId}/reports"]!["post"]!["responses"]!["201"]!["content"]!["application/json"]!["example"]!["report"]);
        Assert.NotNull(paths["/v1/projects/{projectId}/reports"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]!["items"]);
        Assert.Equal("creator", paths["/v1/teams/{teamId}"]!["put"]!["requestBody"]!["content"]!["application/json"]!["example"]!["kind"]!.GetValue<string>());
        Assert.Equal("shop-7781", paths["/v1/campaigns/{campaignId}/merchants"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["example"]![0]!["merchantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_problem_type_the_API_source_answers_is_documented()
    {
        var document = JsonNode.Parse(await ServedAsync())!;
        var documented = document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!["type"]!["enum"]!.AsArray()
            .Select(t => t!.GetValue<string>()).ToHashSet();
        var description = document["info"]!["description"]!.GetValue<string>();
        var source = Path.Combine(HostProcess.RepositoryRoot(), "src", "CharityDay.Api");
        var used = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => ProblemTypeInSource().Matches(File.ReadAllText(f))
                .SelectMany(m => new[] { m.Groups["type"], m.Groups["other"] }.Where(g => g.Success).Select(g => g.Value)))
            .ToHashSet();
        Assert.True(used.Count >= 15, $"the source scan found only {used.Count} problem types: {string.Join(", ", used)}");
        var undocumented = used.Where(t => !documented.Contains("https://charityday.dev/problems/" + t) || !description.Contains("/problems/" + t + "`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, $"problem types answered but not documented (add them to Api/OpenApi/ProblemTypes.cs): {string.Join(", ", undocumented)}");
    }

    [Fact]
    public async Task The_docs_page_is_served_and_reads_the_document()
    {
        var docs = await deployment.Client().GetAsync(new Uri("/docs/", UriKind.Relative));
        var html = await docs.Content.ReadAsStringAsync();
        Assert.True(docs.IsSuccessStatusCode, $"/docs/: {(int)docs.StatusCode} {html}");
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
        Assert.Contains("scalar", html, StringComparison.OrdinalIgnoreCase);
        // Scalar resolves this against the site's root: /openapi/v1.json.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        using var script = await deployment.Client().GetAsync(new Uri("/docs/scalar.js", UriKind.Relative));
        Assert.True(script.IsSuccessStatusCode, $"/docs/scalar.js: {(int)script.StatusCode}");
    }

    private const string HowToRegenerate =
        "If the change is intended, regenerate the committed copy and commit it: " +
        WriteVariable + "=1 bash scripts/test.sh --filter \"FullyQualifiedName~OpenApiDocumentTests\"";

    private async Task<string> ServedAsync()
    {
        using var response = await deployment.Client().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/openapi/v1.json: {(int)response.StatusCode} {body}");
        return body;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static (int Number, string Committed, string Served) FirstDifferentLine(string committed, string served)
    {
        var a = committed.Split('\n');
        var b = served.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(end)";
            var y = i < b.Length ? b[i] : "(end)";
            if (x != y)
            {
                return (i + 1, x.Trim(), y.Trim());
            }
        }
        return (0, "", "");
    }

    /// <summary>
    /// A problem type as the API source writes one: ApiProblem's factories, Details(…), NotAllowed(…), the
    /// status-page switch, and the exception handler's two-way choices (<c>x ? "a" : "b",</c>).
    /// </summary>
    [GeneratedRegex("""(?:(?:Create\(StatusCodes\.\w+, |Details\([^,]+, |NotAllowed\(|StatusCodes\.Status\d+\w* => )"(?<type>[a-z]+(?:-[a-z]+)*)"[,)])|(?:(?<!\?)\? "(?<type>[a-z]+(?:-[a-z]+)*)" : "(?<other>[a-z]+(?:-[a-z]+)*)",)""")]
    private static partial Regex ProblemTypeInSource();
}
