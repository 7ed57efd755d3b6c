namespace CharityDay.Api.OpenApi;

/// <summary>The OpenAPI model's maps are nullable IDictionaries: one lookup for all of them.</summary>
internal static class OpenApiLookup
{
    public static TValue? Get<TValue>(IDictionary<string, TValue>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : default;
}
