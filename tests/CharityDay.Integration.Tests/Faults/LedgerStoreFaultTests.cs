using CharityDay.Domain.Writing;
using System.Diagnostics.Metrics;
using System.Reflection;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Host.Resilience;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CharityDay.Integration.Tests.Faults;

/// <summary>
/// <see cref="ObservedLedgerStore"/> on a ledger that fails as a database restart makes it fail: a
/// read is read again once, a write never (its COMMIT may have landed), and each failure is counted
/// under its operation — outcomes the callers expect are not faults.
/// </summary>
public sealed class LedgerStoreFaultTests : IDisposable
{
    private static readonly NpgsqlException DeadConnection = new("Exception while reading from stream", new EndOfStreamException());

    private readonly List<(string Instrument, string Operation, string? Kind)> _measured = [];
    private readonly MeterListener _listener;

    public LedgerStoreFaultTests()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CharityDayTelemetry.Name && instrument.Name.StartsWith("charityday.storage.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? operation = null, kind = null;
            foreach (var tag in tags)
            {
                operation = tag.Key == "operation" ? (string?)tag.Value : operation;
                kind = tag.Key == "kind" ? (string?)tag.Value : kind;
            }
            lock (_measured)
            {
                _measured.Add((instrument.Name, operation!, kind));
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_read_cut_off_by_a_dead_connection_is_read_again_once_and_counted_as_a_retry()
    {
        var calls = 0;
        var ledger = Observed((method, _) => method.Name == nameof(ILedgerStore.GetAsync) && ++calls == 1
            ? Task.FromException<LedgerDonation?>(DeadConnection)
            : Task.FromResult<LedgerDonation?>(null));

        Assert.Null(await ledger.GetAsync(new DonationKey("partner-fault-read", "d1")));
        Assert.Equal(2, calls);
        Assert.Equal([("charityday.storage.retries", "ledger.get", null)], Mine("ledger.get"));
    }

    [Fact]
    public async Task A_write_whose_connection_broke_is_never_sent_again_and_is_counted_as_a_connection_error()
    {
        var calls = 0;
        var ledger = Observed((method, _) =>
        {
            calls++;
            return Task.FromException(DeadConnection);
        });

        var thrown = await Assert.ThrowsAsync<NpgsqlException>(() => ledger.AppendAsync([]));
        Assert.Same(DeadConnection, thrown);
        Assert.Equal(1, calls);
        Assert.Equal([("charityday.storage.errors", "ledger.append", StorageFaults.Connection)], Mine("ledger.append"));
    }

    [Fact]
    public async Task A_newer_writer_is_an_outcome_not_a_storage_fault()
    {
        var ledger = Observed((_, _) => Task.FromException<bool>(new FencedOutException("campaign-fault", 1)));

        await Assert.ThrowsAsync<FencedOutException>(() => ledger.RefundAsync(new DonationKey("partner-fault-fenced", "d1"), DateTimeOffset.UnixEpoch));
        Assert.Empty(Mine("ledger.refund"));
    }

    [Fact]
    public void Connection_level_failures_are_told_from_statement_failures()
    {
        Assert.True(StorageFaults.IsConnectionLevel(DeadConnection));
        Assert.True(StorageFaults.IsConnectionLevel(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)));
        Assert.True(StorageFaults.IsConnectionLevel(new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow)));
        Assert.False(StorageFaults.IsConnectionLevel(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.Equal(StorageFaults.Timeout, StorageFaults.KindOf(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
        Assert.Equal(StorageFaults.Database, StorageFaults.KindOf(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
    }

    private List<(string, string, string?)> Mine(string operation)
    {
        lock (_measured)
        {
            return _measured.Where(m => m.Operation == operation).ToList();
        }
    }

    private static ILedgerStore Observed(Func<MethodInfo, object?[]?, object?> behaviour) =>
        ObservedLedgerStore.Wrap(ScriptedLedger.Create(behaviour), new StorageObserver(NullLogger<StorageObserver>.Instance));

    /// <summary>A ledger whose every method does what the test says (a proxy: it need not list the interface's members).</summary>
    public class ScriptedLedger : DispatchProxy
    {
        private Func<MethodInfo, object?[]?, object?> _behaviour = null!;

        public static ILedgerStore Create(Func<MethodInfo, object?[]?, object?> behaviour)
        {
            var proxy = Create<ILedgerStore, ScriptedLedger>();
            ((ScriptedLedger)(object)proxy)._behaviour = behaviour;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _behaviour(targetMethod!, args);
    }
}
