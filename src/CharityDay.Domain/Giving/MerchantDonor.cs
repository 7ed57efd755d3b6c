namespace CharityDay.Domain.Giving;

/// <summary>
/// SPEC §7: a merchant gift's donor is the merchant, (partnerId, merchantId), one donor for every rule
/// that names one and never the person whose donorId is the same string. The rules, the ledger's
/// donor column and the donors' working set all key on one donor string; a merchant's is its id behind
/// a prefix with a '/', a character no identifier may hold (SPEC §1), so no person's id can equal it.
/// Only the edges (the API, the export, the ledger's events) turn it back into a <c>merchantId</c>.
/// </summary>
public static class MerchantDonor
{
    private const string Prefix = "merchant/";

    public const int MinOrderCount = 1;
    public const int MaxOrderCount = 1_000_000;

    /// <summary>The donor string the rules and the ledger use for a merchant.</summary>
    public static string DonorOf(string merchantId) => Prefix + merchantId;

    /// <summary>The merchant behind a donor string, or null when the donor is a person.</summary>
    public static string? MerchantOf(string donor) => IsMerchant(donor) ? donor[Prefix.Length..] : null;

    /// <summary>The person's donorId, or null when the donor is a merchant.</summary>
    public static string? PersonOf(string donor) => IsMerchant(donor) ? null : donor;

    public static bool IsMerchant(string? donor) => donor is not null && donor.StartsWith(Prefix, StringComparison.Ordinal);
}
