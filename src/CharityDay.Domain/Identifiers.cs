using System.Text.RegularExpressions;

namespace CharityDay.Domain;

/// <summary>Identifiers are 1–128 characters of [A-Za-z0-9._:-] (SPEC §1).</summary>
public static partial class Identifiers
{
    public const int MaxLength = 128;

    // \z, not $: $ also matches before a final "\n", which let "id\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);
}

/// <summary>A donor is the partner's pseudonymous id, so two partners' "d1" are two people.</summary>
public readonly record struct DonorKey(string PartnerId, string DonorId);

/// <summary>(partnerId, donationId) identifies a donation forever (SPEC §2).</summary>
public readonly record struct DonationKey(string PartnerId, string DonationId);
