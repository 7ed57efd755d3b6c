namespace CharityDay.Grains.Transparency;

/// <summary>The "CharityDay" settings of SPEC §6's checkpoints.</summary>
public sealed class CheckpointOptions
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary><c>CharityDay__CheckpointInterval</c>: how often each campaign's new events are sealed (default one hour; tests use seconds).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most events one checkpoint holds. An interval with more seals several checkpoints at once,
    /// so a receipt (which reads its checkpoint's events to build the audit path) costs a bounded read:
    /// 65,536 events are about 20 MB of canonical JSON and 2 MB of leaf hashes.
    /// </summary>
    public const int MaxEventsPerCheckpoint = 65_536;
}
