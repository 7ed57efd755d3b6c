using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CharityDay.Domain.Transparency;

/// <summary>
/// Builds the ledger events of SPEC §6 in RFC 8785 canonical form. Written straight to a
/// <see cref="Utf8JsonWriter"/> with the members already in canonical (ordinal) order: on the burst
/// path this costs about a microsecond a donation, where a <c>JsonNode</c> round through
/// <see cref="Audit.CanonicalJson"/> costs several. The output is canonical because every string
/// written here is an identifier, lowercase hex or a timestamp (nothing JSON would escape beyond
/// what RFC 8785 escapes) and every number an integer; a test holds it equal to
/// <see cref="Audit.CanonicalJson"/>'s output.
/// <para>
/// Times are written exactly as the API answers them (System.Text.Json's DateTimeOffset form, e.g.
/// <c>2026-09-07T02:00:00.123+00:00</c>), so an event's <c>acceptedAt</c> is the donation's.
/// </para>
/// </summary>
public static class LedgerEvents
{
    // Relaxed: '+' in an offset stays '+', as RFC 8785 wants (the default encoder writes \u002B).
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    /// <summary>
    /// A donation accepted: {acceptedAt, amount, campaignId, donationId, donorHash, matches:[{amount, poolId}],
    /// partnerId, projectId, seq, type:"accepted"} — the matches as accepted, in stacking order. A merchant
    /// gift (SPEC §7; <paramref name="donorId"/> its merchant's donor string) has <c>merchantId</c> in clear
    /// (a merchant is not a private person) and <c>orderCount</c> instead of <c>donorHash</c>.
    /// </summary>
    public static LedgerEvent Accepted(long seq, string campaignId, string partnerId, string donationId, string projectId, string donorId,
        long amountFen, DateTimeOffset acceptedAt, IEnumerable<EventMatch> matches, int? orderCount = null) =>
        new(seq, LedgerEventTypes.Accepted, ReceiptKeys.Donation(partnerId, donationId), Write(w =>
        {
            var merchantId = Giving.MerchantDonor.MerchantOf(donorId);
            w.WriteString("acceptedAt", acceptedAt);
            w.WriteNumber("amount", amountFen);
            w.WriteString("campaignId", campaignId);
            w.WriteString("donationId", donationId);
            if (merchantId is null)
            {
                w.WriteString("donorHash", DonorHash.Of(partnerId, donorId));
            }
            w.WriteStartArray("matches");
            foreach (var m in matches)
            {
                WriteMatch(w, m);
            }
            w.WriteEndArray();
            if (merchantId is not null)
            {
                w.WriteString("merchantId", merchantId);
                w.WriteNumber("orderCount", orderCount ?? 0);
            }
            w.WriteString("partnerId", partnerId);
            w.WriteString("projectId", projectId);
            w.WriteNumber("seq", seq);
            w.WriteString("type", LedgerEventTypes.Accepted);
        }));

    /// <summary>
    /// A donation refunded: {amount, campaignId, donationId, partnerId, projectId, refundedAt,
    /// reversed:[{amount, poolId}], seq, type:"refunded"} — <c>reversed</c> the matches that were still live.
    /// </summary>
    public static LedgerEvent Refunded(long seq, string campaignId, string partnerId, string donationId, string projectId,
        long amountFen, DateTimeOffset refundedAt, IEnumerable<EventMatch> reversed) =>
        new(seq, LedgerEventTypes.Refunded, null, Write(w =>
        {
            w.WriteNumber("amount", amountFen);
            w.WriteString("campaignId", campaignId);
            w.WriteString("donationId", donationId);
            w.WriteString("partnerId", partnerId);
            w.WriteString("projectId", projectId);
            w.WriteString("refundedAt", refundedAt);
            w.WriteStartArray("reversed");
            foreach (var m in reversed)
            {
                WriteMatch(w, m);
            }
            w.WriteEndArray();
            w.WriteNumber("seq", seq);
            w.WriteString("type", LedgerEventTypes.Refunded);
        }));

    /// <summary>
    /// A clawback that reversed matches: {amount (the total returned to the pool), at, campaignId, poolId,
    /// reversed:[{amount, donationId, partnerId, projectId}], seq, type:"clawback"}. Neither the donor id
    /// nor the manager's free-text reason appears: the donations name what was taken back.
    /// </summary>
    public static LedgerEvent Clawback(long seq, string campaignId, string poolId, DateTimeOffset at, IReadOnlyList<EventReversal> reversed) =>
        new(seq, LedgerEventTypes.Clawback, null, Write(w =>
        {
            w.WriteNumber("amount", reversed.Sum(r => r.AmountFen));
            w.WriteString("at", at);
            w.WriteString("campaignId", campaignId);
            w.WriteString("poolId", poolId);
            w.WriteStartArray("reversed");
            foreach (var r in reversed)
            {
                w.WriteStartObject();
                w.WriteNumber("amount", r.AmountFen);
                w.WriteString("donationId", r.DonationId);
                w.WriteString("partnerId", r.PartnerId);
                w.WriteString("projectId", r.ProjectId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("seq", seq);
            w.WriteString("type", LedgerEventTypes.Clawback);
        }));

    private static void WriteMatch(Utf8JsonWriter w, EventMatch m)
    {
        w.WriteStartObject();
        w.WriteNumber("amount", m.AmountFen);
        w.WriteString("poolId", m.PoolId);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> members)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The event's leaf in its checkpoint's Merkle tree: SHA-256(0x00 ‖ its canonical JSON as UTF-8).</summary>
    public static byte[] LeafHash(string canonicalJson) => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(canonicalJson));
}
