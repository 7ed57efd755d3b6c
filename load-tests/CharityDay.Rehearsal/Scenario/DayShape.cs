namespace CharityDay.Rehearsal.Scenario;

/// <summary>
/// The donation rate of a charity day, compressed into <see cref="Duration"/> and scaled so that its
/// highest point is <see cref="PeakRate"/> donations per second.
/// </summary>
/// <remarks>
/// The shape follows what festivals report: a trickle while donors wait, a tranche that opens on
/// the second and ramps to the peak within seconds (one festival's opening minute carried ~957,000
/// donations, ≈16,000/s; its first 30 minutes averaged ≈3,600/s, so the rate decays to roughly a
/// fifth of the peak), then a second, smaller "surprise moment" spike later in the day.
/// </remarks>
public sealed record DayShape(TimeSpan Duration, double PeakRate)
{
    /// <summary>Share of the day before the tranche opens.</summary>
    public const double OpeningAt = 0.08;

    /// <summary>Share of the day at which the surprise moment starts.</summary>
    public const double SecondSpikeAt = 0.62;

    /// <summary>Rate while donors wait for the opening, as a share of the peak.</summary>
    public const double WaitingShare = 0.04;

    /// <summary>The level the opening decays to (≈3,600/s after a ≈16,000/s opening minute).</summary>
    public const double FloorShare = 0.2;

    /// <summary>Height of the surprise moment above the floor, as a share of the peak.</summary>
    public const double SecondSpikeShare = 0.55;

    public double Seconds => Duration.TotalSeconds;

    public double OpeningSeconds => OpeningAt * Seconds;

    /// <summary>The opening reaches its peak "in seconds": 1.5% of the day, at least 0.5 s and at most 5 s.</summary>
    public double RampSeconds => Math.Clamp(0.015 * Seconds, 0.5, 5);

    /// <summary>The peak holds for the opening "minute": 3% of the day.</summary>
    public double HoldSeconds => 0.03 * Seconds;

    public double PeakReachedSeconds => OpeningSeconds + RampSeconds;

    public double DecayTimeConstantSeconds => 0.1 * Seconds;

    public double SecondSpikeSeconds => SecondSpikeAt * Seconds;

    public double SecondSpikeRampSeconds => Math.Clamp(0.01 * Seconds, 0.3, 4);

    public double SecondSpikeDecaySeconds => 0.04 * Seconds;

    /// <summary>Donations per second intended at <paramref name="seconds"/> after the start.</summary>
    public double RateAt(double seconds)
    {
        if (seconds < 0 || seconds >= Seconds)
        {
            return 0;
        }

        return Math.Min(PeakRate, PeakRate * (Opening(seconds) + SecondSpike(seconds)));
    }

    /// <summary>The expected number of donations in [from, to): the integral of the rate, by the midpoint rule.</summary>
    public double ExpectedCount(double fromSeconds, double toSeconds, double stepSeconds = 0.01)
    {
        var total = 0.0;
        for (var t = fromSeconds; t < toSeconds; t += stepSeconds)
        {
            var step = Math.Min(stepSeconds, toSeconds - t);
            total += RateAt(t + (step / 2)) * step;
        }

        return total;
    }

    private double Opening(double t)
    {
        if (t < OpeningSeconds)
        {
            return WaitingShare;
        }

        if (t < PeakReachedSeconds)
        {
            return WaitingShare + ((1 - WaitingShare) * (t - OpeningSeconds) / RampSeconds);
        }

        var decayFrom = PeakReachedSeconds + HoldSeconds;
        if (t < decayFrom)
        {
            return 1;
        }

        return FloorShare + ((1 - FloorShare) * Math.Exp(-(t - decayFrom) / DecayTimeConstantSeconds));
    }

    private double SecondSpike(double t)
    {
        var start = SecondSpikeSeconds;
        if (t < start)
        {
            return 0;
        }

        var top = start + SecondSpikeRampSeconds;
        return t < top
            ? SecondSpikeShare * (t - start) / SecondSpikeRampSeconds
            : SecondSpikeShare * Math.Exp(-(t - top) / SecondSpikeDecaySeconds);
    }
}
