using CharityDay.Api.Auth;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Admin;

/// <summary>The key check the admin fallbacks share: any admin-area key passes on to the 400.</summary>
public static class AdminGuard
{
    public static async Task<IResult?> ManagerOrViewer(HttpContext context) =>
        (await Guard.RequireAsync(context, Roles.Manager, Roles.Viewer)).Problem;
}
