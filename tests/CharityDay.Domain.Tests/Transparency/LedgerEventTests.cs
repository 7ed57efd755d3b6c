using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CharityDay.Domain.Audit;
using CharityDay.Domain.Transparency;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Transparency;

/// <summary>SPEC §6's events: canonical JSON (RFC 8785) with the donor only as donorHash, and a chain any verifier can recompute.</summary>
public sealed class LedgerEventTests
{
    private static readonly Gen<string> Id = Gen.Char["A-Za-z0-9._:-"].Array[1, 40].Select(c => new string(c));

    private static readonly Gen<LedgerEvent> AnyAccepted =
        from seq in Gen.Long[1, long.MaxValue / 2]
        from ids in Id.Array[5, 5]
        from amount in Gen.Long[1, 100_000_000]
        from ms in Gen.Long[0, 4_102_444_800_000]
        from matches in Gen.Select(Id, Gen.Long[0, 100_000_000]).List[0, 4]
        from merchant in Gen.Frequency((3, Gen.Const(0)), (1, Gen.Int[1, 1_000_000]))
        select LedgerEvents.Accepted(seq, ids[0], ids[1], ids[2], ids[3],
            merchant == 0 ? ids[4] : CharityDay.Domain.Giving.MerchantDonor.DonorOf(ids[4]), amount, DateTimeOffset.FromUnixTimeMilliseconds(ms),
            matches.Select(m => new EventMatch(m.Item1, m.Item2)), merchant == 0 ? null : merchant);

    [Fact]
    public void Accepted_events_are_in_RFC_8785_canonical_form() =>
        AnyAccepted.Sample(e => Assert.Equal(CanonicalJson.Serialize(e.Json), e.Json), iter: 300);

    [Fact]
    public void Refund_and_clawback_events_are_in_canonical_form()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_123);
        var refunded = LedgerEvents.Refunded(7, "c-1", "p", "d-1", "proj", 500, at, [new EventMatch("pool-b", 250), new EventMatch("pool-a", 100)]);
        var clawback = LedgerEvents.Clawback(8, "c-1", "pool-a", at, [new EventReversal("p", "d-1", "proj", 100), new EventReversal("q", "d-9", "proj2", 40)]);
        Assert.Equal(CanonicalJson.Serialize(refunded.Json), refunded.Json);
        Assert.Equal(CanonicalJson.Serialize(clawback.Json), clawback.Json);
        Assert.Equal(140, JsonNode.Parse(clawback.Json)!["amount"]!.GetValue<long>());
        Assert.Equal("clawback", JsonNode.Parse(clawback.Json)!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Accepted_event_names_the_donor_only_by_donorHash_and_keeps_the_API_s_acceptedAt()
    {
        var acceptedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_120);
        var e = LedgerEvents.Accepted(3, "camp", "tencent", "don-1", "proj", "secret-donor-42", 1_000, acceptedAt, [new EventMatch("pool", 1_000)]);
        Assert.DoesNotContain("secret-donor-42", e.Json, StringComparison.Ordinal);
        var json = JsonNode.Parse(e.Json)!.AsObject();
        var expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("tencent\nsecret-donor-42")));
        Assert.Equal(expectedHash, json["donorHash"]!.GetValue<string>());
        Assert.Equal(
            ["acceptedAt", "amount", "campaignId", "donationId", "donorHash", "matches", "partnerId", "projectId", "seq", "type"],
            json.Select(p => p.Key));
        // The string the API answers for the same instant (System.Text.Json's DateTimeOffset form).
        Assert.Equal(JsonSerializer.Deserialize<string>(JsonSerializer.Serialize(acceptedAt)), json["acceptedAt"]!.GetValue<string>());
        Assert.Equal(ReceiptKeys.Donation("tencent", "don-1"), e.ReceiptKey);
    }

    [Fact]
    public void A_merchant_gifts_event_names_the_merchant_in_clear_with_its_orders_and_has_no_donorHash()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_120);
        var e = LedgerEvents.Accepted(4, "camp", "tencent", "don-2", "proj", CharityDay.Domain.Giving.MerchantDonor.DonorOf("shop-7781"), 1_200, at, [], orderCount: 240);
        var json = JsonNode.Parse(e.Json)!.AsObject();
        Assert.Equal(
            ["acceptedAt", "amount", "campaignId", "donationId", "matches", "merchantId", "orderCount", "partnerId", "projectId", "seq", "type"],
            json.Select(p => p.Key));
        Assert.Equal(("shop-7781", 240L), (json["merchantId"]!.GetValue<string>(), json["orderCount"]!.GetValue<long>()));
        Assert.Equal(CanonicalJson.Serialize(e.Json), e.Json);
    }

    private static List<LedgerEvent> Events(int count, long firstSeq = 1) =>
        [.. Enumerable.Range(0, count).Select(i => LedgerEvents.Accepted(firstSeq + i, "c", "p", $"d{firstSeq + i}", "proj", $"u{i % 7}", 100 + i,
            DateTimeOffset.FromUnixTimeMilliseconds(1_788_000_000_000 + i), [new EventMatch("pool", i)]))];

    [Fact]
    public void Checkpoints_chain_from_32_zero_bytes_and_every_receipt_verifies_from_its_event_alone()
    {
        var first = CheckpointChain.Seal(null, Events(5), DateTimeOffset.UnixEpoch);
        var second = CheckpointChain.Seal(first, Events(3, 6), DateTimeOffset.UnixEpoch);
        Assert.Equal(new string('0', 64), first.PrevHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. new byte[32], .. Convert.FromHexString(first.Root)])), first.Hash);
        Assert.Equal(first.Hash, second.PrevHash);
        Assert.Null(CheckpointChain.Follows(null, first));
        Assert.Null(CheckpointChain.Follows(first, second));
        Assert.Null(CheckpointChain.Covers(second, Events(3, 6)));

        var events = Events(3, 6);
        var leaves = events.Select(e => LedgerEvents.LeafHash(e.Json)).ToList();
        for (var i = 0; i < events.Count; i++)
        {
            var receipt = Receipt.For(second, leaves, i, events[i].Json);
            Assert.Null(Receipt.Check(JsonNode.Parse(receipt.EventJson), receipt.LeafHash, receipt.Index, receipt.Count, receipt.Path, second.Root));
            // The same event with one fen more is not what was sealed.
            var changed = JsonNode.Parse(receipt.EventJson)!;
            changed["amount"] = changed["amount"]!.GetValue<long>() + 1;
            Assert.NotNull(Receipt.Check(changed, null, receipt.Index, receipt.Count, receipt.Path, second.Root));
        }
    }

    [Fact]
    public void A_changed_or_missing_event_fails_the_checkpoint_that_sealed_it()
    {
        var events = Events(6);
        var checkpoint = CheckpointChain.Seal(null, events, DateTimeOffset.UnixEpoch);
        var changed = events.ToList();
        changed[2] = changed[2] with { Json = changed[2].Json.Replace("\"amount\":102", "\"amount\":103", StringComparison.Ordinal) };
        Assert.NotEqual(events[2].Json, changed[2].Json);
        Assert.NotNull(CheckpointChain.Covers(checkpoint, changed));
        Assert.NotNull(CheckpointChain.Covers(checkpoint, [.. events.Where(e => e.Seq != 4)]));
        var rewritten = checkpoint with { Root = CheckpointChain.Seal(null, changed, DateTimeOffset.UnixEpoch).Root };
        Assert.NotNull(CheckpointChain.Follows(null, rewritten));
    }

    [Fact]
    public void Sealing_refuses_a_gap_in_the_sequence() =>
        Assert.Throws<ArgumentException>(() => CheckpointChain.Seal(null, [.. Events(4).Where(e => e.Seq != 2)], DateTimeOffset.UnixEpoch));
}
