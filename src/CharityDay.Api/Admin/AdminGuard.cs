using CharityDay.Api.Auth;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Admin;

/// <summary>
/// The key check the admin fallbacks shared: any admin-area key passes on to the 400. The API's own
/// routes use <see cref="KeyPolicies.ManagerOrViewer"/> now; this stays for endpoints not yet moved over.
/// </summary>
public static class AdminGuard
{
    public static async Task<IResult?> ManagerOrViewer(HttpContext context) =>
        (await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer)).Problem;
}
