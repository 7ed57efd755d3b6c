using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace CharityDay.Api.OpenApi;

/// <summary>
/// SPEC §4: the API described as OpenAPI 3.1 at <c>/openapi/v1.json</c> (from the endpoints' own
/// metadata: routes, key policies, Accepts/Produces records) and browsable at <c>/docs</c>.
/// The committed copy is docs/openapi.json; a test fails when they differ.
/// </summary>
public static class ApiDocument
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/docs";

    public static IServiceCollection AddCharityDayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<DocumentDescription>();
            options.AddOperationTransformer<OperationSecurity>();
            options.AddOperationTransformer<DonationExamples>();
            options.AddOperationTransformer<GivingExamples>();
            options.AddOperationTransformer<CsvAnswers>();
        });

    public static WebApplication MapCharityDayDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("CharityDay API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(DocumentDescription.BearerScheme));
        return app;
    }

    /// <summary>
    /// The problems an endpoint can answer, as problem+json responses in the document. Every endpoint
    /// can answer 400 and 503; the rest depends on what it does.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }
        return builder;
    }

    /// <summary>SPEC §4 safe administration: a reused Idempotency-Key (409), a stale If-Match (412), a body over the limit (413).</summary>
    public static TBuilder ProducesAdminWriteProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge);
}
