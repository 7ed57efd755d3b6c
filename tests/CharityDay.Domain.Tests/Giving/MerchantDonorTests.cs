using CharityDay.Domain.Giving;
using CsCheck;
using Xunit;

namespace CharityDay.Domain.Tests.Giving;

/// <summary>SPEC §7: a merchant is one donor, apart from any person whose donorId is the same string.</summary>
public sealed class MerchantDonorTests
{
    private static readonly Gen<string> AnyIdentifier =
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"].Array[1, Identifiers.MaxLength].Select(c => new string(c));

    [Fact]
    public void No_persons_id_is_ever_a_merchants_donor_string_and_each_merchant_round_trips() =>
        Gen.Select(AnyIdentifier, AnyIdentifier).Sample((person, merchant) =>
        {
            Assert.True(Identifiers.IsValid(person));
            var donor = MerchantDonor.DonorOf(merchant);
            Assert.NotEqual(person, donor);
            Assert.False(MerchantDonor.IsMerchant(person));
            Assert.Equal((null, person), (MerchantDonor.MerchantOf(person), MerchantDonor.PersonOf(person)));
            Assert.Equal((merchant, null), (MerchantDonor.MerchantOf(donor), MerchantDonor.PersonOf(donor)));
            Assert.False(Identifiers.IsValid(donor));
        });

    [Fact]
    public void The_merchant_book_keeps_live_gifts_and_forgets_a_merchant_whose_gifts_were_all_refunded()
    {
        var book = new MerchantBook();
        var shop = new MerchantKey("tencent", "shop");
        book.Accepted(shop, 300, 12);
        book.Accepted(shop, 200, 3);
        book.Accepted(new MerchantKey("alipay", "shop"), 50, 1);
        Assert.Equal((500L, 15L, 2L), (book.Find(shop)!.RaisedFen, book.Find(shop)!.OrderCount, book.Find(shop)!.DonationCount));
        Assert.Equal(2, book.TakeChanged().Count);

        book.Refunded(shop, 300, 12);
        Assert.Equal((200L, 3L, 1L), (book.Find(shop)!.RaisedFen, book.Find(shop)!.OrderCount, book.Find(shop)!.DonationCount));
        book.Refunded(shop, 200, 3);
        Assert.Null(book.Find(shop));
        Assert.Equal([shop], book.TakeChanged());
        Assert.False(book.HasChanges);
    }
}
