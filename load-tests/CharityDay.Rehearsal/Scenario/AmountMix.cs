namespace CharityDay.Rehearsal.Scenario;

/// <summary>How a platform's donors give, in fen.</summary>
public enum AmountProfile
{
    /// <summary>Most gifts 1–10 yuan, lucky numbers, a long tail up to 10,000 yuan.</summary>
    Standard,

    /// <summary>A short-video platform: most gifts ≤ 1 yuan (1 fen, 1 jiao, 5 jiao, 1 yuan).</summary>
    Micro,
}

/// <summary>Draws donation amounts (fen) from a platform's mix. Everything is an integer number of fen.</summary>
public static class AmountMix
{
    public const long MinFen = 1;
    public const long MaxFen = 100_000_000;

    // (weight, fixed amount in fen); 0 = "odd amount" drawn uniformly, -1 = long tail.
    private static readonly (int Weight, long Fen)[] Standard =
    [
        (18, 100), (8, 200), (14, 500), (4, 666), (4, 888), (18, 1_000), (10, 0),
        (9, 2_000), (7, 5_000), (5, 10_000), (2, -1),
    ];

    private static readonly (int Weight, long Fen)[] Micro =
    [
        (5, 1), (15, 10), (20, 50), (10, 66), (25, 100), (10, 0),
        (5, 200), (5, 500), (4, 1_000), (1, -1),
    ];

    public static long Draw(AmountProfile profile, Random random)
    {
        var table = profile == AmountProfile.Micro ? Micro : Standard;
        var total = table.Sum(e => e.Weight);
        var pick = random.Next(total);
        foreach (var (weight, fen) in table)
        {
            if (pick < weight)
            {
                return fen switch
                {
                    0 when profile == AmountProfile.Micro => random.NextInt64(1, 100),
                    0 => random.NextInt64(100, 1_001),
                    -1 when profile == AmountProfile.Micro => LogUniform(random, 2_000, 200_000),
                    -1 => LogUniform(random, 10_000, 1_000_000),
                    _ => fen,
                };
            }

            pick -= weight;
        }

        throw new InvalidOperationException("unreachable: weights cover the draw");
    }

    /// <summary>A long tail: log-uniform in [lowFen, highFen], whole yuan.</summary>
    private static long LogUniform(Random random, long lowFen, long highFen)
    {
        var value = Math.Exp(Math.Log(lowFen) + (random.NextDouble() * (Math.Log(highFen) - Math.Log(lowFen))));
        return Math.Clamp((long)(value / 100) * 100, lowFen, Math.Min(highFen, MaxFen));
    }
}
