using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace CharityDay.Api.OpenApi;

/// <summary>Puts an example on an operation's JSON request body or on one of its JSON answers, where the operation has one.</summary>
internal static class ExampleSlots
{
    private const string Json = "application/json";

    public static void SetRequest(OpenApiOperation operation, JsonNode example)
    {
        if (OpenApiLookup.Get(operation.RequestBody?.Content, Json) is { } media)
        {
            media.Example = example;
        }
    }

    public static void SetResponse(OpenApiOperation operation, string status, JsonNode example)
    {
        if (OpenApiLookup.Get(OpenApiLookup.Get(operation.Responses, status)?.Content, Json) is { } media)
        {
            media.Example = example;
        }
    }
}
