namespace CharityDay.Api.Transparency;

/// <summary>
/// At most <see cref="MaxConcurrent"/> exports stream at once on a silo: each holds a database
/// connection for as long as its client downloads, and the ledger's connections are for commits
/// first. Past it: 429 with Retry-After, an answer, not a queue.
/// </summary>
public sealed class ExportGate
{
    public const int MaxConcurrent = 4;

    private readonly SemaphoreSlim _slots = new(MaxConcurrent, MaxConcurrent);

    public bool TryEnter() => _slots.Wait(0);

    public void Exit() => _slots.Release();
}
