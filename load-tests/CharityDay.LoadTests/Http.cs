using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;

namespace CharityDay.LoadTests;

/// <summary>
/// The partners' connection pool (at most <c>--connections</c> connections in all, split evenly over the
/// addresses) and a separate small pool for the manager and public reads, so that an admin call (a PATCH in
/// scenario e, the pool watcher in d) never waits behind the donation traffic for a connection.
/// </summary>
internal sealed class HttpClients : IDisposable
{
    private readonly SocketsHttpHandler _partnerHandler;
    private readonly SocketsHttpHandler _adminHandler;

    public HttpClients(BenchOptions options)
    {
        _partnerHandler = NewHandler((options.Connections + options.Urls.Count - 1) / options.Urls.Count);
        _adminHandler = NewHandler(8);
        Manager = Create(_adminHandler, options.Url, options.ManagerKey, options.RequestTimeout);
        Public = Create(_adminHandler, options.Url, null, options.RequestTimeout);
    }

    public HttpClient Manager { get; }

    public HttpClient Public { get; }

    /// <summary>A manager client on the admin pool with its own base address (e.g. another silo's /metrics).</summary>
    public HttpClient CreateAdmin(Uri baseUrl, string? bearer, TimeSpan timeout) => Create(_adminHandler, baseUrl, bearer, timeout);

    public HttpClient CreatePartner(Uri baseUrl, string secret, TimeSpan timeout) => Create(_partnerHandler, baseUrl, secret, timeout);

    private static SocketsHttpHandler NewHandler(int maxConnectionsPerServer) => new()
    {
        MaxConnectionsPerServer = Math.Max(1, maxConnectionsPerServer),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    private static HttpClient Create(SocketsHttpHandler handler, Uri baseUrl, string? bearer, TimeSpan timeout)
    {
        var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = baseUrl, Timeout = timeout };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public void Dispose()
    {
        Manager.Dispose();
        Public.Dispose();
        _partnerHandler.Dispose();
        _adminHandler.Dispose();
    }
}

internal sealed class ApiException(string message) : Exception(message);

internal static class HttpJson
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    public static ByteArrayContent Content<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = JsonType;
        return content;
    }

    /// <summary>Sends a request and throws <see cref="ApiException"/> unless the answer is 2xx.</summary>
    public static async Task<byte[]> SendOkAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException($"{method} {path} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Snippet(body)}");
        }

        return body;
    }

    public static string Snippet(byte[] body, int max = 300)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        return text.Length <= max ? text : text[..max] + "…";
    }
}
