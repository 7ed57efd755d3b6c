namespace CharityDay.Domain.Matching;

/// <summary>
/// SPEC §3's formula for one pool and one donation, as a pure function: the single place the
/// matching rules live. Every caller (the campaign book, the reference tests) goes through it.
/// </summary>
public static class MatchRule
{
    /// <param name="localTime">The acceptance time in the campaign's time zone.</param>
    public static PoolMatch Decide(PoolRules pool, DonationFacts donation, DateTime localTime, PoolUsage usage)
    {
        var ratioBps = RatioFor(pool, donation);
        if (!IsEligible(pool, donation, localTime, usage))
        {
            return new PoolMatch(pool.PoolId, 0, ratioBps);
        }

        // A conversion pool pays the points' worth itself (SPEC §7): its "match" is the gift's amount.
        var want = pool.IsConversionPool ? PointsConversion.Worth(donation.PointsOffered, pool.FenPer1000Points) : Money.ApplyRatio(donation.AmountFen, ratioBps);
        if (pool.PerDonationCapFen is { } perDonation)
        {
            want = Math.Min(want, perDonation);
        }

        var match = want;
        match = Math.Min(match, pool.BudgetFen - usage.MatchedFen);
        if (pool.DailyBudgetFen is { } daily)
        {
            match = Math.Min(match, daily - usage.MatchedTodayFen);
        }
        if (pool.PerProjectCapFen is { } perProject)
        {
            match = Math.Min(match, perProject - usage.MatchedForProjectFen);
        }
        if (pool.PerDonorDailyCapFen is { } perDonor)
        {
            match = Math.Min(match, perDonor - usage.MatchedToDonorTodayFen);
        }
        return new PoolMatch(pool.PoolId, Math.Max(0, match), ratioBps);
    }

    public static int RatioFor(PoolRules pool, DonationFacts donation) =>
        pool.IsConversionPool ? Money.BasisPointsPerUnit : pool.RandomRatioBps is { } range
            ? RandomRatio.Draw(range, pool.Seed, pool.PoolId, donation.Key.PartnerId, donation.Key.DonationId)
            : pool.RatioBps ?? 0;

    private static bool IsEligible(PoolRules pool, DonationFacts donation, DateTime localTime, PoolUsage usage)
    {
        if (pool.Paused || !pool.Covers(donation.ProjectId) || usage.DonorFlagged)
        {
            return false;
        }
        // Conversion pools pay their own programme's points gifts only; no other pool matches a points gift.
        if (!string.Equals(pool.PointsProgram, donation.PointsProgram, StringComparison.Ordinal))
        {
            return false;
        }
        if (donation.IsMerchantGift && !pool.MerchantGifts)
        {
            return false;
        }
        if ((pool.PledgesOnly && !donation.IsPledgeGift) || (pool.FirstChargeOnly && !donation.IsFirstCharge))
        {
            return false;
        }
        if (pool.StartsAt is { } starts && donation.AcceptedAt < starts)
        {
            return false;
        }
        if (pool.EndsAt is { } ends && donation.AcceptedAt >= ends)
        {
            return false;
        }
        if (pool.DailyOpensAt is { } opens && TimeOnly.FromDateTime(localTime) < opens)
        {
            return false;
        }
        var amount = pool.IsConversionPool ? PointsConversion.Worth(donation.PointsOffered, pool.FenPer1000Points) : donation.AmountFen;
        if (pool.MinDonationFen is { } min && amount < min)
        {
            return false;
        }
        if (pool.PerDonorDailyCount is { } count && usage.MatchedDonationsOfDonorToday >= count)
        {
            return false;
        }
        // The donation being decided is already counted in the minute window.
        if (pool.PerDonorMinuteCount is { } perMinute && usage.DonationsOfDonorInLastMinute > perMinute)
        {
            return false;
        }
        return true;
    }
}
