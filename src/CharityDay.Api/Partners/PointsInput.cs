using CharityDay.Api.Http;
using CharityDay.Domain.Matching;

namespace CharityDay.Api.Partners;

/// <summary>SPEC §7: a points gift's <c>points</c> and <c>pointsProgram</c>, together and instead of <c>amount</c>.</summary>
public static class PointsInput
{
    /// <returns>Both null for an ordinary gift; errors are left on <paramref name="fields"/>.</returns>
    public static (long? Points, string? PointsProgram) Read(FieldReader fields, bool amountGiven)
    {
        if (!fields.Has("points") && !fields.Has("pointsProgram"))
        {
            return (null, null);
        }
        var points = fields.Long("points", required: true, 1, PointsConversion.MaxPoints);
        var program = fields.Id("pointsProgram", required: true);
        if (amountGiven)
        {
            fields.Error("amount", "a points gift gives points and pointsProgram instead of amount, not both");
        }
        return (points, program);
    }
}
