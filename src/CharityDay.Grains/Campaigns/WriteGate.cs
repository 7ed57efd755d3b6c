namespace CharityDay.Grains.Campaigns;

/// <summary>
/// The campaign's write lock: one holder at a time, waiters served in arrival order, except that an
/// urgent waiter (a pool change, a refund, a clawback) goes before the next batch of donations.
/// Used only on the activation's turns, so it needs no thread safety.
/// </summary>
public sealed class WriteGate
{
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _normal = new();
    private bool _held;

    public Task EnterAsync(bool urgent)
    {
        if (!_held)
        {
            _held = true;
            return Task.CompletedTask;
        }
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (urgent ? _urgent : _normal).Enqueue(waiter);
        return waiter.Task;
    }

    public void Exit()
    {
        if (_urgent.TryDequeue(out var next) || _normal.TryDequeue(out next))
        {
            next.SetResult();
        }
        else
        {
            _held = false;
        }
    }
}
