using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using CharityDay.Domain.Writing;
using CharityDay.Storage.Ledger;

namespace CharityDay.Host.Resilience;

/// <summary>
/// The production ledger as the grains see it: every operation is named (ledger.append, ledger.find, …)
/// for the connections it opens, its failures are counted and logged, and a read cut off by a dead
/// connection is read again once. Writes are never repeated here: a write whose connection broke may
/// have committed (the outcome of a COMMIT in flight is unknown), and only the caller's ids
/// (donationId, Idempotency-Key) can make its retry safe. A dead pooled connection never reaches a
/// write: <see cref="RecoveringDataSource"/> replaces it before anything is sent.
/// <para>
/// A proxy rather than a hand-written decorator so that every method the interface gains is observed
/// the same way without being listed here; only the reads safe to repeat are listed.
/// </para>
/// </summary>
public class ObservedLedgerStore : DispatchProxy
{
    /// <summary>Read once more after a connection-level failure; a second one is the caller's.</summary>
    private const int ReadAttempts = 2;

    private static readonly HashSet<string> Reads =
    [
        nameof(ILedgerStore.FindAsync), nameof(ILedgerStore.GetAsync), nameof(ILedgerStore.LoadCampaignAsync),
        nameof(ILedgerStore.RecomputeCampaignAsync), nameof(ILedgerStore.CampaignIdsAsync), nameof(ILedgerStore.LoadDonorDaysAsync),
        nameof(ILedgerStore.PingAsync),
        nameof(ILedgerProofStore.LastEventSeqAsync), nameof(ILedgerProofStore.ReadEventsAsync), nameof(ILedgerProofStore.FindReceiptEventAsync),
        nameof(ILedgerProofStore.LastCheckpointAsync), nameof(ILedgerProofStore.ListCheckpointsAsync), nameof(ILedgerProofStore.CheckpointOfEventAsync),
        nameof(IAdminStore.GetSettingAsync), nameof(IAdminStore.ListSettingsAsync), nameof(IAdminStore.CampaignRowsAsync),
        nameof(IAdminStore.FindAnswerAsync), nameof(IAdminStore.QueryAuditAsync), nameof(IAdminStore.AuditHeadAsync),
        nameof(IAdminStore.KeysLastUsedAsync),
    ];

    private static readonly MethodInfo ObserveOfT = typeof(ObservedLedgerStore).GetMethod(nameof(ObserveResultAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly ConcurrentDictionary<MethodInfo, (string Operation, MethodInfo? Observe)> Plans = new();

    private object _inner = null!;
    private StorageObserver _observer = null!;

    public static ILedgerStore Wrap(ILedgerStore inner, StorageObserver observer) => Wrap<ILedgerStore>(inner, observer);

    /// <summary>The admin store (settings, audit chain, Idempotency-Key answers) observed the same way.</summary>
    public static IAdminStore WrapAdmin(IAdminStore inner, StorageObserver observer) => Wrap<IAdminStore>(inner, observer);

    private static T Wrap<T>(T inner, StorageObserver observer)
        where T : class
    {
        var proxy = Create<T, ObservedLedgerStore>();
        var self = (ObservedLedgerStore)(object)proxy;
        self._inner = inner;
        self._observer = observer;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            return Forward(method, args);
        }
        var (operation, observe) = Plans.GetOrAdd(method, static m => (
            "ledger." + SnakeCase(m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^5] : m.Name),
            m.ReturnType.IsGenericType ? ObserveOfT.MakeGenericMethod(m.ReturnType.GetGenericArguments()[0]) : null));
        var call = new Call(method, args, operation, Reads.Contains(method.Name) ? ReadAttempts : 1);
        return observe is null ? ObserveAsync(call) : observe.Invoke(this, [call]);
    }

    private sealed record Call(MethodInfo Method, object?[]? Args, string Operation, int Attempts);

    private async Task ObserveAsync(Call call) =>
        await ObserveAsync<bool>(call, async () =>
        {
            await (Task)Forward(call.Method, call.Args)!;
            return true;
        });

    private Task<T> ObserveResultAsync<T>(Call call) => ObserveAsync(call, () => (Task<T>)Forward(call.Method, call.Args)!);

    private async Task<T> ObserveAsync<T>(Call call, Func<Task<T>> run)
    {
        StorageOperation.Begin(call.Operation);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run();
            }
            catch (Exception e) when (attempt < call.Attempts && StorageFaults.IsConnectionLevel(e))
            {
                _observer.Retried(call.Operation, e, "a read was cut off by a dead connection");
            }
            catch (Exception e) when (IsFault(e))
            {
                _observer.Failed(call.Operation, e);
                throw;
            }
        }
    }

    /// <summary>Outcomes the callers expect (a newer writer, a duplicate id, their own cancellation) are not storage faults.</summary>
    private static bool IsFault(Exception e) => e is not (FencedOutException or DuplicateDonationException or AdminCommitRefusedException or OperationCanceledException);

    private object? Forward(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
