using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>
/// The document's title and description (with every problem type), the Bearer scheme, and the
/// ProblemDetails schema's <c>type</c> as an enum of the stable types. No <c>servers</c>: the document
/// describes whichever host serves it, and stays byte-identical to the committed copy.
/// </summary>
public sealed class DocumentDescription : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CharityDay API",
            Version = "v1",
            Description = Description(),
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key: `Authorization: Bearer <secret>`. A key has one role: partner (bound to one partner), " +
                "manager (all campaigns, or a listed set) or viewer. Created with POST /v1/admin/keys; the secret is shown once.",
        };
        if (OpenApiLookup.Get(document.Components.Schemas, "ProblemDetails") is OpenApiSchema problem
            && OpenApiLookup.Get(problem.Properties, "type") is OpenApiSchema type)
        {
            type.Enum = [.. ProblemTypes.All.Select(t => (JsonNode)JsonValue.Create(ProblemTypes.Uri(t.Name)))];
            type.Description = "One of the stable problem types; the API description lists when each is answered.";
            problem.Properties!["field"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The first offending field: a body field, a path or query parameter, or a header.",
            };
            problem.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Messages by field.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
            problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the request, for support." };
        }
        return Task.CompletedTask;
    }

    private static string Description()
    {
        var text = new StringBuilder();
        text.Append("The backend between giving platforms (partners) and charities on a charity day: donations with matching funds, ");
        text.Append("public totals, and the administration of campaigns, projects, matching pools, partners and keys. ");
        text.Append("Money is an integer number of fen (CNY 0.01). Bodies are strict: a field a request does not name is a 400 naming it. ");
        text.AppendLine("Every error is RFC 9457 problem+json (`application/problem+json`) with a stable `type`, and `field` naming the offending field.");
        text.AppendLine();
        text.AppendLine("| type | status | when |");
        text.AppendLine("|---|---|---|");
        foreach (var t in ProblemTypes.All)
        {
            text.AppendLine($"| `{ProblemTypes.Uri(t.Name)}` | {(t.Status == 0 ? "any" : t.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} | {t.When} |");
        }
        return text.ToString();
    }
}
