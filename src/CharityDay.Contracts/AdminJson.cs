namespace CharityDay.Contracts;

/// <summary>How admin resources look on the wire (amounts in fen, SPEC field names).</summary>
public static class AdminJson
{
    public static object Campaign(CampaignSettings c) => new
    {
        campaignId = c.CampaignId,
        name = c.Name,
        timeZone = c.TimeZone,
        startsAt = c.StartsAt,
        endsAt = c.EndsAt,
    };

    public static object Project(ProjectSettings p) => new
    {
        projectId = p.ProjectId,
        campaignId = p.CampaignId,
        name = p.Name,
        organization = p.Organization,
        parentProjectId = p.ParentProjectId,
        goal = p.GoalFen,
        status = p.Status,
    };

    public static Dictionary<string, object?> Pool(PoolSettings p) => new()
    {
        ["poolId"] = p.PoolId,
        ["campaignId"] = p.CampaignId,
        ["sponsor"] = p.Sponsor,
        ["budget"] = p.BudgetFen,
        ["ratioBps"] = p.RatioBps,
        ["randomRatioBps"] = p.RandomRatioBps is { } r ? new { min = r.Min, max = r.Max } : null,
        ["perDonationCap"] = p.PerDonationCapFen,
        ["perDonorDailyCap"] = p.PerDonorDailyCapFen,
        ["perDonorDailyCount"] = p.PerDonorDailyCount,
        ["perDonorMinuteCount"] = p.PerDonorMinuteCount,
        ["perProjectCap"] = p.PerProjectCapFen,
        ["dailyBudget"] = p.DailyBudgetFen,
        ["dailyOpensAt"] = p.DailyOpensAt,
        ["minDonation"] = p.MinDonationFen,
        ["projectIds"] = p.ProjectIds,
        ["startsAt"] = p.StartsAt,
        ["endsAt"] = p.EndsAt,
        ["priority"] = p.Priority,
        ["paused"] = p.Paused,
        ["pledgesOnly"] = p.PledgesOnly,
        ["firstChargeOnly"] = p.FirstChargeOnly,
        ["pointsProgram"] = p.PointsProgram,
        ["fenPer1000Points"] = p.FenPer1000Points,
        ["merchantGifts"] = p.MerchantGifts,
    };

    public static Dictionary<string, object?> PoolWithUsage(PoolSettings p, PoolUsageView usage)
    {
        var json = Pool(p);
        json["matched"] = usage.MatchedFen;
        json["remaining"] = Math.Max(0, p.BudgetFen - usage.MatchedFen);
        json["matchedToday"] = usage.MatchedTodayFen;
        json["matchCount"] = usage.MatchCount;
        return json;
    }

    public static object Partner(PartnerSettings p) => new { partnerId = p.PartnerId, name = p.Name, rateLimit = p.RateLimitPerSecond };

    /// <summary>The answer to a key's creation: the secret only in the first answer, never stored (a retry's answer has it null).</summary>
    public static object CreatedKey(ApiKeyRecord k, string? secret) => new
    {
        keyId = k.KeyId,
        secret,
        role = k.Role,
        partnerId = k.PartnerId,
        campaignIds = k.CampaignIds,
    };

    /// <summary>A key as the audit log and listings show it: never the secret or its hash.</summary>
    public static object Key(ApiKeyRecord k) => new
    {
        keyId = k.KeyId,
        role = k.Role,
        partnerId = k.PartnerId,
        campaignIds = k.CampaignIds,
        createdAt = k.CreatedAt,
        revoked = k.Revoked,
    };
}
