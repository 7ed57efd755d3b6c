namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>A check of the simulation failed; the run adds the seed and the step log before it reaches xUnit.</summary>
internal sealed class SimulationCheckException(string message) : Exception(message)
{
    /// <summary>Messages are built only on failure: a run makes millions of checks.</summary>
    public static SimulationCheckException Of(string what, object? expected, object? actual) =>
        new($"{what}: expected {expected}, actual {actual}");
}
