namespace CharityDay.Domain.Giving;

/// <summary>A pledge belongs to its partner (SPEC §1): (partnerId, pledgeId).</summary>
public readonly record struct PledgeKey(string PartnerId, string PledgeId);

/// <summary>A monthly pledge as the charges are checked against it.</summary>
public sealed record PledgeTerms(string ProjectId, string DonorId, long AmountFen, int DayOfMonth, bool Active);

/// <summary>How a posted pledge charge stands against its pledge.</summary>
public enum PledgeCheck
{
    /// <summary>The pledge's first charge ever.</summary>
    FirstCharge,
    LaterCharge,

    /// <summary>No such pledge in this campaign, or it is cancelled, or the gift's project, donor or amount differ: 422.</summary>
    NotAllowed,

    /// <summary>The pledge was already charged in this campaign-local month: 409.</summary>
    AlreadyCharged,
}

/// <summary>
/// One campaign's monthly pledges and their charges (SPEC §7): the one place that says whether a
/// donation with a <c>pledgeId</c> may be accepted (terms match, one charge per campaign-local month)
/// and whether it is the pledge's first charge (for <c>firstChargeOnly</c> pools). Charges are
/// recorded when a donation is matched, in acceptance order, and rebuilt from the ledger's rows
/// with the book, so they hold across pipelined batches, failed commits and restarts. A charge
/// counts once accepted, even if later refunded: the month was charged. Not thread-safe.
/// </summary>
public sealed class PledgeBook
{
    private readonly Dictionary<PledgeKey, PledgeTerms> _pledges = [];
    private readonly Dictionary<(PledgeKey Pledge, int Month), DonationKey> _charges = [];
    private readonly HashSet<PledgeKey> _charged = [];
    private readonly Dictionary<string, (int Active, long MonthlyFen)> _byProject = new(StringComparer.Ordinal);

    /// <summary>A month as a number: the campaign-local year × 12 + month − 1.</summary>
    public static int MonthOf(DateOnly localDay) => localDay.Year * 12 + localDay.Month - 1;

    public PledgeTerms? Find(PledgeKey pledge) => _pledges.GetValueOrDefault(pledge);

    /// <summary>Per project, its active pledges and their monthly sum (project reads).</summary>
    public (int Active, long MonthlyFen) OfProject(string projectId) => _byProject.GetValueOrDefault(projectId);

    /// <summary>Creates, replaces or cancels a pledge's terms.</summary>
    public void Set(PledgeKey pledge, PledgeTerms terms)
    {
        if (_pledges.GetValueOrDefault(pledge) is { Active: true } before)
        {
            AddToProject(before.ProjectId, -1, -before.AmountFen);
        }
        _pledges[pledge] = terms;
        if (terms.Active)
        {
            AddToProject(terms.ProjectId, +1, terms.AmountFen);
        }
    }

    public PledgeCheck Check(PledgeKey pledge, string projectId, string donorId, long amountFen, int month)
    {
        if (_pledges.GetValueOrDefault(pledge) is not { Active: true } terms
            || terms.ProjectId != projectId || terms.DonorId != donorId || terms.AmountFen != amountFen)
        {
            return PledgeCheck.NotAllowed;
        }
        if (_charges.ContainsKey((pledge, month)))
        {
            return PledgeCheck.AlreadyCharged;
        }
        return _charged.Contains(pledge) ? PledgeCheck.LaterCharge : PledgeCheck.FirstCharge;
    }

    /// <summary>The donation that charged the pledge in the month, if any.</summary>
    public DonationKey? ChargeOf(PledgeKey pledge, int month) => _charges.TryGetValue((pledge, month), out var donation) ? donation : null;

    public void Charge(PledgeKey pledge, int month, DonationKey donation)
    {
        _charges[(pledge, month)] = donation;
        _charged.Add(pledge);
    }

    /// <summary>Forgets every charge (a rebuild reads them again from the ledger); the terms are settings and stay.</summary>
    public void ClearCharges()
    {
        _charges.Clear();
        _charged.Clear();
    }

    private void AddToProject(string projectId, int count, long monthlyFen)
    {
        var (active, monthly) = _byProject.GetValueOrDefault(projectId);
        _byProject[projectId] = (active + count, monthly + monthlyFen);
    }
}
