using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CharityDay.Rehearsal.Run;

/// <summary>An HTTP answer: status, body and what the retry logic and the verdict need from the headers.</summary>
public sealed record ApiAnswer(int Status, byte[] Body, string? ContentType, TimeSpan? RetryAfter)
{
    public bool Ok => Status is >= 200 and < 300;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string Snippet(int max = 300) => Text.Length <= max ? Text : Text[..max] + "…";
}

public sealed class ApiException(string message) : Exception(message);

/// <summary>
/// One connection pool per API address; requests go round-robin over the addresses, as a load
/// balancer would spread them over the silos of a cluster. The key is set per request.
/// </summary>
public sealed class Api : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient[] _clients;
    private int _next;

    public Api(IReadOnlyList<Uri> baseUrls, int connectionsPerAddress, TimeSpan timeout)
    {
        _clients =
        [
            .. baseUrls.Select(url => new HttpClient(
                new SocketsHttpHandler
                {
                    MaxConnectionsPerServer = connectionsPerAddress,
                    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                    AutomaticDecompression = DecompressionMethods.None,
                    UseCookies = false,
                    UseProxy = false,
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                },
                disposeHandler: true) { BaseAddress = url, Timeout = timeout }),
        ];
    }

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, byte[]? body, string? key, CancellationToken ct)
    {
        var client = _clients[(int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length)];
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        using var response = await client.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        return new ApiAnswer((int)response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType, retryAfter);
    }

    /// <summary>For setup and reads: throws unless the answer is 2xx; retries transient failures a few times.</summary>
    public async Task<ApiAnswer> SendOkAsync(HttpMethod method, string path, object? body, string? key, CancellationToken ct)
    {
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, Wire.Options);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await SendAsync(method, path, payload, key, ct);
                if (answer.Ok)
                {
                    return answer;
                }

                if (answer.Status is not (408 or 429 or >= 500) || attempt == 5)
                {
                    throw new ApiException($"{method} {path} answered {answer.Status}: {answer.Snippet()}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 5)
            {
                // a transient failure: try again below
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
