using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Admin;

/// <summary>SPEC §4 listing: <c>?limit=</c> (default 100, at most 1000) and <c>?after=</c>, answering <c>{items, next}</c>.</summary>
public static class AdminPages
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public sealed record Page(int Limit, string? After);

    public static (Page? Page, IResult? Problem) Read(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (limitText.Count != 1 || !int.TryParse(limitText[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
                || limit is < 1 or > MaxLimit)
            {
                return (null, ApiProblem.Invalid("limit", $"must be an integer from 1 to {MaxLimit}"));
            }
        }
        string? after = null;
        if (query.TryGetValue("after", out var afterText))
        {
            after = afterText.Count == 1 ? afterText[0] : null;
            if (after is null || after.Length == 0)
            {
                return (null, ApiProblem.Invalid("after", "must be the next cursor of the previous page"));
            }
        }
        return (new Page(limit, after), null);
    }

    /// <summary>
    /// One page of settings rows in id order; the cursor is the last id read. Rows the key may not see
    /// are skipped (a page can then be shorter than the limit, and its cursor still moves on).
    /// </summary>
    public static async Task<IResult> ListAsync(IGrainFactory grains, string kind, string? campaignId, Page page, Func<AdminRowView, bool> visible, Func<AdminRowView, object> render)
    {
        if (page.After is { } after && !Identifiers.IsValid(after))
        {
            return ApiProblem.Invalid("after", "must be the next cursor of the previous page");
        }
        var rows = await grains.GetGrain<IAdminReadGrain>(0).List(kind, campaignId, page.After, page.Limit + 1);
        var more = rows.Count > page.Limit;
        var taken = rows.Take(page.Limit).ToList();
        return TypedResults.Ok(new
        {
            items = taken.Where(visible).Select(render).ToList(),
            next = more ? taken[^1].Id : null,
        });
    }
}
