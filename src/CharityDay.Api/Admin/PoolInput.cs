using System.Text.RegularExpressions;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Domain;

namespace CharityDay.Api.Admin;

/// <summary>
/// Reads a pool's §3 fields. For PUT every field starts from its default; for PATCH from the
/// pool as it is, where an absent field keeps its value and an explicit null clears a limit.
/// </summary>
public static partial class PoolInput
{
    public const int DefaultRatioBps = 10_000;
    public const int MaxProjectIds = 10_000;

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeOfDay();

    public static PoolSettings? Read(FieldReader f, string poolId, PoolSettings? current)
    {
        var patch = current is not null;
        string? campaignId;
        if (patch)
        {
            campaignId = f.Id("campaignId", required: false);
            if (campaignId is not null && campaignId != current!.CampaignId)
            {
                f.Error("campaignId", "a pool cannot move to another campaign");
            }
            campaignId = current!.CampaignId;
        }
        else
        {
            campaignId = f.Id("campaignId", required: true);
        }

        var sponsor = f.Has("sponsor") ? f.Text("sponsor", required: false, maxLength: 200) ?? "" : current?.Sponsor ?? "";
        long budget = current?.BudgetFen ?? 0;
        if (!patch)
        {
            budget = f.Long("budget", required: true, 0, Money.MaxBudgetFen) ?? 0;
        }
        else if (f.Has("budget"))
        {
            if (f.Has("budgetDelta"))
            {
                f.Error("budget", "give either budget or budgetDelta, not both");
            }
            budget = f.Long("budget", required: true, 0, Money.MaxBudgetFen) ?? budget;
        }

        var ratio = current?.RatioBps;
        var random = current?.RandomRatioBps;
        var ratioGiven = f.Has("ratioBps") && !f.IsExplicitNull("ratioBps");
        var randomGiven = f.Has("randomRatioBps") && !f.IsExplicitNull("randomRatioBps");
        if (ratioGiven && randomGiven)
        {
            f.Error("randomRatioBps", "give either ratioBps or randomRatioBps, not both");
        }
        if (ratioGiven)
        {
            ratio = f.Int("ratioBps", required: true, Money.MinRatioBps, Money.MaxRatioBps);
            random = null;
        }
        else if (randomGiven)
        {
            random = ReadRange(f);
            ratio = null;
        }
        else
        {
            // An explicit null clears a random ratio like any other setting; a pool left with no
            // ratio at all matches 1:1, as a new pool does.
            if (f.IsExplicitNull("randomRatioBps"))
            {
                random = null;
            }
            if (!patch || f.IsExplicitNull("ratioBps") || (ratio is null && random is null))
            {
                ratio = random is null ? DefaultRatioBps : null;
            }
        }

        var (pointsProgram, fenPer1000Points) = ReadConversion(f, current);
        if (pointsProgram is not null)
        {
            if (ratioGiven || randomGiven)
            {
                f.Error(ratioGiven ? "ratioBps" : "randomRatioBps", "a conversion pool (pointsProgram) has fenPer1000Points instead of a ratio");
            }
            ratio = null;
            random = null;
        }

        var dailyOpensAt = Optional(f, "dailyOpensAt", current?.DailyOpensAt, () =>
        {
            var text = f.Text("dailyOpensAt", required: false, maxLength: 64);
            if (text is not null && !TimeOfDay().IsMatch(text))
            {
                f.Error("dailyOpensAt", "must be a local time of day as HH:mm, e.g. 10:00");
                return null;
            }
            return text;
        });
        var projectIds = Optional(f, "projectIds", current?.ProjectIds, () => f.IdList("projectIds", MaxProjectIds));
        var startsAt = Optional(f, "startsAt", current?.StartsAt, () => f.Instant("startsAt"));
        var endsAt = Optional(f, "endsAt", current?.EndsAt, () => f.Instant("endsAt"));
        if (startsAt is { } s && endsAt is { } e && s >= e)
        {
            f.Error("endsAt", "must be after startsAt");
        }

        var settings = new PoolSettings(
            poolId,
            campaignId ?? "",
            sponsor,
            budget,
            ratio,
            random,
            Cap(f, "perDonationCap", current?.PerDonationCapFen, Money.MaxBudgetFen),
            Cap(f, "perDonorDailyCap", current?.PerDonorDailyCapFen, Money.MaxBudgetFen),
            (int?)Cap(f, "perDonorDailyCount", current?.PerDonorDailyCount, int.MaxValue),
            (int?)Cap(f, "perDonorMinuteCount", current?.PerDonorMinuteCount, int.MaxValue),
            Cap(f, "perProjectCap", current?.PerProjectCapFen, Money.MaxBudgetFen),
            Cap(f, "dailyBudget", current?.DailyBudgetFen, Money.MaxBudgetFen),
            dailyOpensAt,
            Cap(f, "minDonation", current?.MinDonationFen, Money.MaxDonationFen),
            projectIds,
            startsAt,
            endsAt,
            f.Has("priority") ? f.Int("priority", required: false, -1_000_000, 1_000_000) ?? 0 : current?.Priority ?? 0,
            f.Has("paused") ? f.Bool("paused") ?? false : current?.Paused ?? false)
        {
            PledgesOnly = f.Has("pledgesOnly") ? f.Bool("pledgesOnly") ?? false : current?.PledgesOnly ?? false,
            FirstChargeOnly = f.Has("firstChargeOnly") ? f.Bool("firstChargeOnly") ?? false : current?.FirstChargeOnly ?? false,
            MerchantGifts = f.Has("merchantGifts") ? f.Bool("merchantGifts") ?? false : current?.MerchantGifts ?? false,
            PointsProgram = pointsProgram,
            FenPer1000Points = fenPer1000Points,
        };
        return f.HasErrors ? null : settings;
    }

    /// <summary>
    /// SPEC §7: a conversion pool's programme and rate, given together. A pool's kind never changes
    /// (its past payments are its points gifts' amounts, not matches): a PATCH may change the rate only.
    /// </summary>
    private static (string? Program, long? Rate) ReadConversion(FieldReader f, PoolSettings? current)
    {
        var program = current?.PointsProgram;
        if (f.Has("pointsProgram"))
        {
            var given = f.IsExplicitNull("pointsProgram") ? null : f.Id("pointsProgram", required: true);
            if (current is not null && given != current.PointsProgram)
            {
                f.Error("pointsProgram", "a pool's points programme cannot change: create another pool");
            }
            program = given;
        }
        var rate = program is null ? null : current?.FenPer1000Points;
        // An explicit null is what the admin GET shows for a ratio pool: a round trip keeps it one.
        if (f.Has("fenPer1000Points") && !(program is null && f.IsExplicitNull("fenPer1000Points")))
        {
            if (program is null)
            {
                f.Error("fenPer1000Points", "only a conversion pool (with pointsProgram) has fenPer1000Points");
            }
            else
            {
                rate = f.Long("fenPer1000Points", required: true, 1, Domain.Matching.PointsConversion.MaxFenPer1000Points);
            }
        }
        else if (program is not null && rate is null)
        {
            f.Error("fenPer1000Points", "a conversion pool (pointsProgram) needs fenPer1000Points, an integer of at least 1");
        }
        return (program, rate);
    }

    private static RatioRangeSettings? ReadRange(FieldReader f)
    {
        var range = f.Object("randomRatioBps");
        if (range is null)
        {
            return null;
        }
        var min = range.Int("min", required: true, Money.MinRatioBps, Money.MaxRatioBps);
        var max = range.Int("max", required: true, Money.MinRatioBps, Money.MaxRatioBps);
        if (min is { } lo && max is { } hi && lo > hi)
        {
            range.Error("max", "must be at least min");
        }
        f.Absorb(range);
        return min is { } a && max is { } b ? new RatioRangeSettings(a, b) : null;
    }

    private static long? Cap(FieldReader f, string name, long? current, long max) =>
        Optional(f, name, current, () => f.Long(name, required: false, 0, max));

    private static T? Optional<T>(FieldReader f, string name, T? current, Func<T?> read) =>
        !f.Has(name) ? current : f.IsExplicitNull(name) ? default : read();
}
