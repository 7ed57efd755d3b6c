using System.Data.Common;

namespace CharityDay.Grains;

/// <summary>
/// A database error inside a grain call (a restart, a failover, a dropped connection) leaves the grain
/// as an <see cref="OrleansException"/> that says so: driver exceptions do not survive the trip back to
/// the caller as their own type (Orleans sends a stand-in), so without this the API could not tell
/// "the store is away, retry" (503) from a bug (500).
/// </summary>
public sealed class StorageFaultTranslation : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) => TranslateAsync(context.Invoke);

    /// <summary>The same for work outside a call, such as an activation loading its state (filters do not see it).</summary>
    public static async Task TranslateAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (DbException e)
        {
            throw new OrleansException($"storage is unavailable: {e.GetType().Name}: {e.Message}");
        }
    }
}
