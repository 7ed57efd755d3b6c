using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>
/// An endpoint that answers its JSON record, or the same figures as CSV with <c>?format=csv</c>: one
/// 200 with two media types. Produces&lt;T&gt; keeps one entry per status, so the CSV is added here.
/// </summary>
public sealed class CsvAnswers : IOpenApiOperationTransformer
{
    public const string MediaType = "text/csv";

    /// <summary>Endpoint metadata: the 200 is also a CSV file.</summary>
    public sealed class Marker;

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Marker>().Any()
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
        {
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            response.Content[MediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
        return Task.CompletedTask;
    }
}

public static class CsvAnswersExtensions
{
    /// <summary>The 200 is also <c>text/csv</c> (with <c>?format=csv</c>).</summary>
    public static TBuilder AlsoProducesCsv<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CsvAnswers.Marker());
}
