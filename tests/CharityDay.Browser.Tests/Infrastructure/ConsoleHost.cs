using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CharityDay.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CharityDay.Browser.Tests.Infrastructure;

/// <summary>
/// The real host (embedded profile, its own process on a loopback port, as the README runs it) and one
/// headless chromium, shared by the console tests. Each test opens its own browser context, so each
/// starts signed out with an empty sessionStorage.
/// </summary>
public sealed class ConsoleHost : IAsyncLifetime
{
    public const string ManagerKey = "console-test-manager-key-0123456789abcdef";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("charityday-console-").FullName;
    private HostProcess? _host;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string BaseUrl => _host!.BaseAddress.ToString().TrimEnd('/');

    public string ConsoleUrl => BaseUrl + "/console/";

    public async Task InitializeAsync()
    {
        // Public snapshots lag up to a second and the page refreshes every second: wait longer than that.
        Assertions.SetDefaultExpectTimeout(15_000);
        // The browser first: a missing chromium fails at once, before a host is started for nothing.
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
        _host = new HostProcess("console", new Dictionary<string, string>
        {
            ["CharityDay__DataDir"] = _dataDir,
            ["CharityDay__BootstrapManagerKey"] = ManagerKey,
            ["CharityDay__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await _host.StartAsync();
        Http = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>A fresh browser session (no key in sessionStorage) in the given language.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => { lock (errors) { errors.Add(e); } };
        // A style or script the Content-Security-Policy blocks only shows as a console message.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (errors) { errors.Add(message.Text); }
            }
        };
        _scriptErrors.AddOrUpdate(page, errors);
        return page;
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> _scriptErrors = [];

    /// <summary>Uncaught script errors and CSP refusals on the page so far: a console that throws is broken even if the test's clicks worked.</summary>
    public void AssertNoScriptErrors(IPage page)
    {
        var errors = _scriptErrors.TryGetValue(page, out var list) ? list : [];
        lock (errors)
        {
            Assert.True(errors.Count == 0, "uncaught script errors:\n" + string.Join("\n", errors));
        }
    }

    /// <summary>An API call as curl would make it; returns the status, the parsed body and the ETag.</summary>
    public async Task<ApiAnswer> CallAsync(HttpMethod method, string path, object? body = null, string? key = ManagerKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new ApiAnswer((int)response.StatusCode, json, response.Headers.ETag?.ToString(), text);
    }

    public async Task<JsonElement> OkAsync(HttpMethod method, string path, object? body = null, string? key = ManagerKey)
    {
        var answer = await CallAsync(method, path, body, key);
        Assert.True(answer.Status is >= 200 and < 300, $"{method} {path}: expected 2xx, got {answer.Status}: {answer.Text}");
        return answer.Body;
    }
}

public sealed record ApiAnswer(int Status, JsonElement Body, string? ETag, string Text);

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleHost>
{
    public const string Name = "console";
}
