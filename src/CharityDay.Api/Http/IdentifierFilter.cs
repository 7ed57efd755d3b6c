using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Http;

/// <summary>
/// SPEC §1 identifiers in the path: a malformed one is a 400 naming the field, before the handler
/// runs (after the key policy: a caller without a valid key learns nothing about ids).
/// </summary>
public sealed class IdentifierFilter(params string[] fields) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.RouteValues;
        foreach (var field in fields)
        {
            if (values.TryGetValue(field, out var value) && !Domain.Identifiers.IsValid(value as string))
            {
                return ValueTask.FromResult<object?>(ApiProblem.InvalidId(field));
            }
        }
        return next(context);
    }
}

public static class IdentifierFilterExtensions
{
    /// <summary>Checks the named route values (those present on each endpoint) as identifiers.</summary>
    public static TBuilder WithIdentifiers<TBuilder>(this TBuilder builder, params string[] fields) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new IdentifierFilter(fields));
}
