using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CharityDay.Api.Auth;

/// <summary>
/// SPEC §4's <c>Authorization: Bearer &lt;key&gt;</c> as an ASP.NET authentication scheme, answered by
/// <see cref="KeyAuthenticator"/> (this silo's cache of the key records). The 401 and 403 answers are
/// written by <see cref="ProblemAuthorizationResults"/>, as problem+json. It runs for endpoints whose
/// key policy names it (<see cref="KeyPolicies"/>), never for the public reads.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    KeyAuthenticator authenticator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var caller = await authenticator.AuthenticateAsync(Request);
        // The principal is cached with the key record, so the ticket is the only allocation here.
        return caller is null ? AuthenticateResult.NoResult() : AuthenticateResult.Success(new AuthenticationTicket(caller.Principal, SchemeName));
    }
}
