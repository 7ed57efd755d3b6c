using System.Net.Http.Headers;
using System.Text;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>
/// SPEC §4: the API speaks JSON, whatever a body is declared as: `curl -d` (a form's content type), no
/// content type, or text — as the README's walk-through sends them. What the body holds is judged as JSON.
/// </summary>
public abstract class ContentTypeTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Bodies_not_declared_as_JSON_are_read_as_JSON(string? contentType)
    {
        var scene = await Scene.CreateAsync(_api);
        var campaignId = ApiClient.NewId("ct");
        var campaign = await SendAsync(HttpMethod.Put, $"/v1/admin/campaigns/{campaignId}", "{\"name\":\"Curl festival\",\"timeZone\":\"Asia/Shanghai\"}", Deployment.ManagerKey, contentType);
        ApiClient.Ensure(campaign, 201);

        var donationId = ApiClient.NewId("d");
        var donation = await SendAsync(HttpMethod.Post, "/v1/donations",
            $"{{\"donationId\":\"{donationId}\",\"projectId\":\"{scene.Project}\",\"donorId\":\"u1\",\"amount\":100}}", scene.Key, contentType);
        ApiClient.Ensure(donation, 201);

        // Not JSON at all: the strict reader's 400, and nothing recorded.
        var form = await SendAsync(HttpMethod.Post, "/v1/donations", $"donationId={ApiClient.NewId("d")}&amount=100", scene.Key, contentType);
        ApiClient.Ensure(form, 400);
        Assert.Equal("application/problem+json", form.ContentType);
        Assert.Equal((100L, 0L, 1L), await scene.ProjectTotalsAsync());
    }

    private Task<ApiResponse> SendAsync(HttpMethod method, string path, string body, string key, string? contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        return _api.SendRawAsync(request);
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedContentTypeTests(EmbeddedDeployment deployment) : ContentTypeTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresContentTypeTests(PostgresClusterDeployment deployment) : ContentTypeTests(deployment);
