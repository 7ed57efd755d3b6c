using CharityDay.Api.Admin;
using CharityDay.Api.Auth;
using CharityDay.Api.Giving;
using CharityDay.Api.Http;
using CharityDay.Api.ManagerConsole;
using CharityDay.Api.OpenApi;
using CharityDay.Api.Operations;
using CharityDay.Api.Partners;
using CharityDay.Api.Public;
using CharityDay.Api.ReadSide;
using CharityDay.Api.Transparency;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CharityDay.Api;

public static class ApiComposition
{
    public static IServiceCollection AddCharityDayApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection("CharityDay"));
        services.AddSingleton<GrainReferences>();
        services.AddSingleton<KeyAuthenticator>();
        services.AddSingleton<CatalogReplica>();
        services.AddSingleton<KeyReplica>();
        services.AddSingleton<DonationMissBudget>();
        services.AddSingleton<CampaignSnapshots>();
        services.AddSingleton<DonationCoalescer>();
        services.AddSingleton<PartnerRateLimiter>();
        services.AddTransparency();
        services.AddPublicReadLimits(configuration.GetValue<int>("CharityDay:PublicReadsPerIpPerSecond"));
        services.AddProblemDetails();
        // No default scheme (nor .NET's automatic one for a single scheme): only endpoints whose key policy
        // names the scheme authenticate, so a public read never pays for, nor waits on, a key lookup,
        // even when a client sends its key along.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication(o =>
            {
                o.DefaultChallengeScheme = ApiKeyAuthentication.SchemeName;
                o.DefaultForbidScheme = ApiKeyAuthentication.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(KeyPolicies.Add);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResults>();
        // Bodies are read by FieldReader, which takes numbers as numbers only; the document must say so
        // (the web default reads "500" as 500). Writing is unchanged: numbers are written as numbers.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        services.AddCharityDayOpenApi();
        ApiTelemetry.Register();
        return services;
    }

    /// <summary>
    /// Maps SPEC §4, one group per area (donations, public reads, catalog, pools, access, operations):
    /// each endpoint names its key policy, path identifiers are checked by a filter, every error is problem+json.
    /// </summary>
    public static WebApplication MapCharityDayApi(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(WriteUnhandledProblem));
        app.UseStatusCodePages(async status =>
        {
            var http = status.HttpContext;
            var problem = ApiProblem.Details(http.Response.StatusCode, http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => "not-found",
                StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
                StatusCodes.Status413PayloadTooLarge => "payload-too-large",
                _ => "http-error",
            }, ReasonPhrase(http.Response.StatusCode), $"{http.Request.Method} {http.Request.Path}");
            await TypedResults.Problem(problem).ExecuteAsync(http);
        });
        app.UseJsonBodies();
        app.UseRateLimiter();
        // Here, not where WebApplication would add them (first): a key lookup that fails must reach the
        // exception handler above (503, retry), like every other error.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCharityDayDocs();
        app.MapDonations();
        app.MapPublicReads();
        app.MapCheckpoints();
        app.MapReceipts();
        Reports.ReportEndpoints.MapReports(app);
        app.MapTeams();
        app.MapMerchants();
        app.MapPledges();
        app.MapCatalogAdmin();
        app.MapPoolAdmin();
        app.MapAccessAdmin();
        app.MapOperations();
        app.MapManagerConsole();
        app.MapTransparency();
        return app;
    }

    private static async Task WriteUnhandledProblem(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad)
        {
            var problem = ApiProblem.Details(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload-too-large" : "bad-request",
                ReasonPhrase(bad.StatusCode), bad.Message);
            http.Response.StatusCode = bad.StatusCode;
            await TypedResults.Problem(problem).ExecuteAsync(http);
            return;
        }
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CharityDay.Api");
        // Grain timeouts and a silo going away are transient: tell the partner to retry by donationId.
        var unavailable = IsUnavailable(error);
        if (unavailable)
        {
            // Expected during a failover or a database restart, and retried by the caller: one line, no stack.
            logger.LogWarning("Answered 503 (retryable) on {Method} {Path}: {ErrorType}: {ErrorMessage}",
                http.Request.Method, http.Request.Path, error!.GetType().Name, FirstLine(error.Message));
        }
        else
        {
            logger.LogError(error, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        }
        var status = unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (unavailable)
        {
            http.Response.Headers.RetryAfter = "1";
        }
        // An admin write's retry is safe with its Idempotency-Key (the first outcome is kept); a donation's with its ids.
        var retry = http.Request.Path.StartsWithSegments("/v1/admin") && !HttpMethods.IsGet(http.Request.Method)
            ? "the request may be retried with the same Idempotency-Key"
            : "the request may be retried with the same ids";
        var details = ApiProblem.Details(status, unavailable ? "unavailable" : "internal-error",
            unavailable ? "The service cannot take this request now." : "Internal error.", retry);
        http.Response.StatusCode = status;
        await TypedResults.Problem(details).ExecuteAsync(http);
    }

    /// <summary>
    /// Grain timeouts, a silo going away, a fenced-out writer, Redis, and a database that drops its
    /// connections for a moment (a restart, a failover: every database error reaching here is one of
    /// those, the expected outcomes being answers) are transient: retry. Looks through wrappers.
    /// </summary>
    private static bool IsUnavailable(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OrleansException or CharityDay.Domain.Writing.FencedOutException or StackExchange.Redis.RedisException
                or System.Data.Common.DbException or System.Net.Sockets.SocketException or System.IO.IOException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Orleans puts the inner exception, stack included, in some messages: the first line says what happened.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
