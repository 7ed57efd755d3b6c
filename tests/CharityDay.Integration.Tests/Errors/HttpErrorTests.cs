using System.Text;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>SPEC §4 status codes outside the fields: 413 body too large, 404 unknown route, 405 wrong method — all problem+json.</summary>
public abstract class HttpErrorTests(Deployment deployment)
{
    private const int SingleLimit = 64 * 1024;
    private const int BatchLimit = 2 * 1024 * 1024;

    private readonly ApiClient _api = deployment.Api();

    [Fact]
    public async Task An_admin_body_over_64_KiB_is_413_and_changes_nothing()
    {
        var campaign = await _api.CreateCampaignAsync();
        var body = Padded(new { name = "Too big" }, SingleLimit + 1);
        foreach (var chunked in new[] { false, true })
        {
            var response = await StateSnapshot.AssertUnchangedAsync(_api, campaign, [$"/v1/admin/campaigns/{campaign}"],
                () => SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", body, Deployment.ManagerKey, chunked));
            Problems.AssertProblem(response, 413, "payload-too-large");
        }
        var pool = ApiClient.NewId("pool");
        var poolBody = Padded(new { campaignId = campaign, sponsor = "S", budget = 5 }, SingleLimit + 100);
        Problems.AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/admin/pools/{pool}", poolBody, Deployment.ManagerKey, chunked: false), 413, "payload-too-large");
        Problems.AssertProblem(await _api.GetPoolAsync(pool), 404, "not-found");
    }

    [Fact]
    public async Task A_body_just_under_64_KiB_is_read()
    {
        var campaign = ApiClient.NewId("c");
        var body = Padded(new { name = "Just fits" }, SingleLimit - 10);
        var response = await SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", body, Deployment.ManagerKey, chunked: true);
        Assert.True(response.Code == 201, response.ToString());
    }

    [Fact]
    public async Task A_single_donation_over_64_KiB_is_413_and_a_batch_over_2_MiB_is_413()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var (_, key) = await _api.CreatePartnerAsync();

        var single = Padded(new { donationId = "big", projectId = project, donorId = "u1", amount = 100 }, SingleLimit + 1);
        Problems.AssertProblem(await SendAsync(HttpMethod.Post, "/v1/donations", single, key, chunked: false), 413, "payload-too-large");

        // A batch may be far larger than a single post: 1 MiB is read (and refused for its content, not its size).
        var mid = Padded(new { donations = Array.Empty<object>() }, BatchLimit / 2);
        var midResponse = await SendAsync(HttpMethod.Post, "/v1/donations/batch", mid, key, chunked: false);
        Assert.True(midResponse.Code == 400, midResponse.ToString());

        // Just over the limit, and far over the server's own 4 MiB ceiling.
        foreach (var (size, chunked) in new[] { (BatchLimit + 1, false), (BatchLimit + 1, true), (5 * 1024 * 1024, false), (5 * 1024 * 1024, true) })
        {
            var batch = Padded(new { donations = new[] { new { donationId = "b1", projectId = project, donorId = "u1", amount = 100 } } }, size);
            Problems.AssertProblem(await SendAsync(HttpMethod.Post, "/v1/donations/batch", batch, key, chunked), 413, "payload-too-large");
        }
        var huge = Padded(new { name = "Huge" }, 5 * 1024 * 1024);
        Problems.AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", huge, Deployment.ManagerKey, chunked: false), 413, "payload-too-large");
        var view = await _api.GetProjectAsync(project);
        Assert.Equal(0, view.Long("donationCount"));
    }

    [Theory]
    [InlineData("GET", "/v1/nothing")]
    [InlineData("GET", "/v1/admin/nothing")]
    [InlineData("POST", "/v1/admin/nothing/else")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/v2/campaigns/c1")]
    public async Task An_unknown_route_is_404_problem(string method, string path)
    {
        var response = await _api.SendAsync(new HttpMethod(method), path, key: Deployment.ManagerKey);
        Problems.AssertProblem(response, 404, "not-found");
    }

    [Theory]
    [InlineData("DELETE", "/v1/admin/campaigns/c1")]
    [InlineData("POST", "/v1/admin/campaigns/c1")]
    [InlineData("DELETE", "/v1/projects/p1")]
    [InlineData("PUT", "/v1/admin/audit")]
    public async Task A_wrong_method_is_405_problem(string method, string path)
    {
        var response = await _api.SendAsync(new HttpMethod(method), path, key: Deployment.ManagerKey);
        Problems.AssertProblem(response, 405, "method-not-allowed");
    }

    /// <summary>The object with a "pad" field that brings its UTF-8 JSON to exactly <paramref name="bytes"/>.</summary>
    /// <summary>The value's JSON grown to exactly <paramref name="bytes"/> with whitespace: no field the contract does not name (SPEC §4 strict input).</summary>
    private static byte[] Padded(object value, int bytes)
    {
        var bare = System.Text.Json.JsonSerializer.Serialize(value);
        var json = Encoding.UTF8.GetBytes(bare[..^1] + new string(' ', bytes - Encoding.UTF8.GetByteCount(bare)) + "}");
        Assert.Equal(bytes, json.Length);
        return json;
    }

    /// <summary>Chunked bodies carry no Content-Length, so the server must count as it reads.</summary>
    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, byte[] body, string key, bool chunked)
    {
        // Kestrel answers 413 as soon as a declared length is over its ceiling and closes the
        // connection; a client still writing the body may then see a broken pipe instead of the
        // answer. That is the client's race, not the server's answer: send again (a few times).
        for (var attempt = 1; ; attempt++)
        {
            var request = new HttpRequestMessage(method, path)
            {
                Content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            try
            {
                return await _api.SendRawAsync(request);
            }
            catch (HttpRequestException e) when (attempt < 5 && e.InnerException is IOException)
            {
            }
        }
    }

    /// <summary>A stream whose length HttpClient cannot know, so it sends the body chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedHttpErrorTests(EmbeddedDeployment deployment) : HttpErrorTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresHttpErrorTests(PostgresClusterDeployment deployment) : HttpErrorTests(deployment);
