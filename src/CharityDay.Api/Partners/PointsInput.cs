using CharityDay.Api.Http;
using CharityDay.Domain.Matching;

namespace CharityDay.Api.Partners;

/// <summary>SPEC §7: a points gift's <c>points</c> and <c>pointsProgram</c>, together and instead of <c>amount</c>.</summary>
public static class PointsInput
{
    /// <returns>Both null for an ordinary gift; errors are left on <paramref name="fields"/>.</returns>
    public static (long? Points, string? PointsProgram) Read(FieldReader fields, bool amountGiven)
    {
        if (!Given(fields, "points") && !Given(fields, "pointsProgram"))
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

    /// <summary>Present and not null: an explicit null reads as absent, as for the other optional fields.</summary>
    public static bool Given(FieldReader fields, string name) => fields.Has(name) && !fields.IsExplicitNull(name);
}
