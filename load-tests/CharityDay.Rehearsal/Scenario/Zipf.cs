namespace CharityDay.Rehearsal.Scenario;

/// <summary>
/// Zipf popularity over <c>n</c> ranks: rank k (0-based) is drawn with probability ∝ 1/(k+1)^s.
/// A few projects get most donations and a long tail gets a few each, as on a real leaderboard.
/// </summary>
public sealed class Zipf
{
    private readonly double[] _cumulative;

    public Zipf(int n, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        Exponent = exponent;
        _cumulative = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += 1 / Math.Pow(k + 1, exponent);
            _cumulative[k] = sum;
        }

        for (var k = 0; k < n; k++)
        {
            _cumulative[k] /= sum;
        }
    }

    public double Exponent { get; }

    public int Count => _cumulative.Length;

    public double Probability(int rank) => rank == 0 ? _cumulative[0] : _cumulative[rank] - _cumulative[rank - 1];

    public int Sample(Random random)
    {
        var u = random.NextDouble();
        var index = Array.BinarySearch(_cumulative, u);
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }
}
