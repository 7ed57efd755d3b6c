using CharityDay.Api.Http;
using CharityDay.Domain.Giving;

namespace CharityDay.Api.Partners;

/// <summary>
/// SPEC §7: who gave — a person's <c>donorId</c>, or a merchant's <c>merchantId</c> with the
/// <c>orderCount</c> its gift covers, never both. The donor string the rules count is the person's id
/// or <see cref="MerchantDonor.DonorOf"/> the merchant.
/// </summary>
public static class MerchantInput
{
    /// <returns>The donor string and, for a merchant gift, its order count; errors are left on <paramref name="fields"/>.</returns>
    public static (string? Donor, int? OrderCount) Read(FieldReader fields)
    {
        if (!PointsInput.Given(fields, "merchantId"))
        {
            var person = fields.Id("donorId", required: true);
            // Read either way, so a stray orderCount is named for what it is rather than as an unknown field.
            if (PointsInput.Given(fields, "orderCount"))
            {
                fields.Error("orderCount", "only a merchant gift (with merchantId) gives orderCount");
            }
            return (person, null);
        }
        var merchantId = fields.Id("merchantId", required: true);
        var orderCount = fields.Int("orderCount", required: true, MerchantDonor.MinOrderCount, MerchantDonor.MaxOrderCount);
        if (PointsInput.Given(fields, "donorId"))
        {
            fields.Error("donorId", "a merchant gift gives merchantId and orderCount instead of donorId, not both");
        }
        return (merchantId is null ? null : MerchantDonor.DonorOf(merchantId), orderCount);
    }
}
