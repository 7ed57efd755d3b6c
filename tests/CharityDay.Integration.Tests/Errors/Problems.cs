using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>Exact checks of RFC 9457 answers (SPEC §3 invariant 5: a clear error naming the offending field).</summary>
public static class Problems
{
    public const string TypeBase = "https://charityday.dev/problems/";

    /// <summary>Status, media type, stable type, a title, the status echoed, and (when given) the field named.</summary>
    public static void AssertProblem(ApiResponse response, int status, string type, string? field = null)
    {
        Assert.True(response.Code == status, $"expected HTTP {status}, got {response}");
        Assert.True(response.ContentType == "application/problem+json", $"expected application/problem+json, got {response.ContentType}: {response.Body}");
        Assert.NotNull(response.Json);
        Assert.Equal(TypeBase + type, response["type"].GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(response["title"].GetValue<string>()), $"no title in {response.Body}");
        Assert.Equal(status, response["status"].GetValue<int>());
        if (field is not null)
        {
            Assert.True(NamesField(response.Json!, field), $"expected field '{field}' to be named in {response.Body}");
        }
    }

    /// <summary>The field is the problem's <c>field</c> or one of the keys of its <c>errors</c>.</summary>
    public static bool NamesField(JsonNode problem, string field) =>
        problem["field"]?.GetValue<string>() == field
        || (problem["errors"] is JsonObject errors && errors.ContainsKey(field));

    public static void AssertBadRequest(ApiResponse response, string field) => AssertProblem(response, 400, "invalid-request", field);
}
