namespace CharityDay.Domain.Transparency;

/// <summary>The kinds of ledger event SPEC §6 seals. A new kind (a use-of-funds report) adds a constant and a builder.</summary>
public static class LedgerEventTypes
{
    public const string Accepted = "accepted";
    public const string Refunded = "refunded";
    public const string Clawback = "clawback";
    public const string Report = "report";
}

/// <summary>
/// One ledger event of a campaign as it is stored and sealed: its place in the campaign's sequence,
/// its type, and its RFC 8785 canonical JSON (the exact bytes the Merkle leaf hashes, as UTF-8).
/// <paramref name="ReceiptKey"/> names the event a receipt is asked for by (<see cref="ReceiptKeys"/>), or null.
/// </summary>
public sealed record LedgerEvent(long Seq, string Type, string? ReceiptKey, string Json);

/// <summary>
/// The lookup key of an event with a receipt. Identifiers never hold '/' (SPEC §1), so the parts
/// cannot run into each other.
/// </summary>
public static class ReceiptKeys
{
    public static string Donation(string partnerId, string donationId) => $"d/{partnerId}/{donationId}";

    public static string Report(string projectId, string reportId) => $"r/{projectId}/{reportId}";
}

/// <summary>A match as an event shows it: the pool and the fen.</summary>
public readonly record struct EventMatch(string PoolId, long AmountFen);

/// <summary>A match a clawback took back: whose donation, which pool, how much.</summary>
public readonly record struct EventReversal(string PartnerId, string DonationId, string ProjectId, long AmountFen);
