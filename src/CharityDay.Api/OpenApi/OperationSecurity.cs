using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>An endpoint behind a key policy needs the Bearer scheme; its description names the policy.</summary>
public sealed class OperationSecurity : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
            .Select(a => a.Policy).Where(p => p is not null).Distinct().ToList();
        if (policies.Count == 0)
        {
            return Task.CompletedTask;
        }
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentDescription.BearerScheme, context.Document)] = [] }];
        operation.Description = $"Key policy: {string.Join(", ", policies)}.";
        return Task.CompletedTask;
    }
}
