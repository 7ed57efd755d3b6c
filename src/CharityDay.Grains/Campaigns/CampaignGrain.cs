using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Writing;
using CharityDay.Grains.Campaigns.ReadSide;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// One campaign's write path and matching authority. Reentrant on purpose: donations keep
/// arriving while a batch commits, and are gathered into the next one. The decisions — queue,
/// classification, matching, the pipeline, a commit's outcome, refunds, clawbacks — are the
/// domain's <see cref="CampaignWritePath{TRequest, TRow}"/>; this grain does the I/O around it
/// (ledger calls off the turn, grain state), the locking, fencing and telemetry. Every mutation
/// of the write path or the persisted state happens while holding <see cref="_gate"/>; the group
/// commit is pipelined (batch N+1 is matched while batch N commits), so every other writer also
/// waits for the commit in flight (<see cref="EnterExclusiveAsync"/>), and a pool change goes
/// before the next batch. It never answers a public read: it publishes snapshots
/// (<see cref="GetSnapshot"/>) that the silos pull and serve.
/// </summary>
[Reentrant]
public sealed partial class CampaignGrain(
    ILedgerStore ledger,
    IAdminStore admin,
    TimeProvider time,
    IOptions<CampaignWriteOptions> writeOptions,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain
{
    private readonly WriteGate _gate = new();
    private readonly Dictionary<string, ProjectSettings> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PoolSettings> _pools = new(StringComparer.Ordinal);

    // The ETag of each settings row as the store has it ("kind/id"): an admin commit writes a row only
    // while it is still the one this activation believes, so memory never silently parts from storage.
    private readonly Dictionary<string, string> _etags = new(StringComparer.Ordinal);
    private CampaignSettings? _settings;
    private bool _catalogStale;
    private CampaignReadModel? _readModelInstance;
    private CampaignWritePath<PendingDonation, LedgerDonation>? _writeInstance;
    private WriterFence? _fence;

    private string CampaignId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        StorageFaultTranslation.TranslateAsync(() => ActivateAsync(cancellationToken));

    private async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        LoadCatalog(await admin.CampaignRowsAsync(CampaignId, cancellationToken));
        if (_settings is null)
        {
            // A campaign being created: nothing to restore (its first PUT claims the ledger).
            CharityDayTelemetry.ActivationDuration.Record(time.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("campaign", CampaignId));
            return;
        }
        // Claim before rebuilding: whatever an older activation committed is then in the
        // rebuild, and whatever it tries after the claim is refused.
        _fence = await ledger.ClaimWriterAsync(CampaignId, cancellationToken);
        await RebuildFromLedgerAsync("activation", cancellationToken);
        await LoadTeamsAsync(cancellationToken);
        await LoadPledgesAsync(cancellationToken);
        await LoadSpentAsync(cancellationToken);
        WakeSealer();
        CharityDayTelemetry.ActivationDuration.Record(time.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("campaign", CampaignId));
        await RegisterInDirectoryAsync();
    }

    /// <summary>The silos' directory learns this campaign and its projects; idempotent, so a retried write repeats it.</summary>
    private async Task RegisterInDirectoryAsync()
    {
        await CatalogPartitions.RegisterCampaignAsync(GrainFactory, CampaignId);
        await CatalogPartitions.RegisterProjectsAsync(GrainFactory, CampaignId, _projects.Keys);
    }

    /// <summary>Takes the campaign's settings, projects and pools as the store has them.</summary>
    private void LoadCatalog(IReadOnlyList<Storage.Ledger.AdminRow> rows)
    {
        _etags.Clear();
        foreach (var row in rows)
        {
            _etags[$"{row.Kind}/{row.Id}"] = row.ETag;
            switch (row.Kind)
            {
                case AdminKinds.Campaign:
                    _settings = AdminSettingsJson.Load<CampaignSettings>(row.SettingsJson);
                    break;
                case AdminKinds.Project:
                    var project = AdminSettingsJson.Load<ProjectSettings>(row.SettingsJson);
                    _projects[project.ProjectId] = project;
                    Write.SetProject(project.ProjectId, project.IsOpen);
                    break;
                case AdminKinds.Pool:
                    var pool = AdminSettingsJson.Load<PoolSettings>(row.SettingsJson);
                    _pools[pool.PoolId] = pool;
                    Write.SetPool(pool.ToRules());
                    break;
            }
        }
        _catalogStale = false;
    }

    private CampaignReadModel ReadModel => _readModelInstance ??= new CampaignReadModel(_projects, Write.Totals, TeamBoard, Write.Pledges, SpentOf,
        new MerchantBoardModel(Write.Merchants));

    private CampaignWritePath<PendingDonation, LedgerDonation> Write => _writeInstance ??= new(
        new LedgerRows(CampaignId), WritePathLimits.Production(writeOptions.Value.MaxPendingDonations, writeOptions.Value.DonorsKept), TimeZone, Now);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_donorsHeldPublished > 0)
        {
            PublishDonorsHeld(0);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the write lock ahead of waiting batches and waits for the commit in flight, so the
    /// caller sees (and changes) the state every acknowledged donation left.
    /// </summary>
    private async Task EnterExclusiveAsync()
    {
        await _gate.EnterAsync(urgent: true);
        await _commitInFlight;
    }

    public Task<CampaignSettings?> GetSettings() => Task.FromResult(_settings);

    public async Task<RefundOutcome> Refund(string partnerId, string donationId)
    {
        var key = new DonationKey(partnerId, donationId);
        await EnterExclusiveAsync();
        try
        {
            await EnsureBookFreshAsync();
            var donation = await ledger.GetAsync(key);
            if (donation is null || donation.CampaignId != CampaignId)
            {
                return new RefundOutcome(RefundResultKind.NotFound, null);
            }
            if (donation.Status == DonationStatus.Refunded)
            {
                return new RefundOutcome(RefundResultKind.AlreadyRefunded, donation.ToView());
            }
            // SPEC §6: what the project keeps must still cover what it reported spent (CampaignGrain.Reports).
            // A points gift's conversion payment is its own amount, not a match the project counts.
            var projectLoss = donation.AmountFen + (donation.IsPointsGift ? 0 : donation.Matches.Where(m => m.IsLive).Sum(m => m.AmountFen));
            if (!SpentAllowsLoss(donation.ProjectId, projectLoss))
            {
                CharityDayTelemetry.ReportWrites.Add(1, new KeyValuePair<string, object?>("result", "RefundRefused"));
                logger.LogInformation("Refund of donation {DonationId} of partner {PartnerId} refused: project {ProjectId} has reported spending more than it would keep",
                    donationId, partnerId, donation.ProjectId);
                return new RefundOutcome(RefundResultKind.ExceedsUnspent, donation.ToView());
            }
            var at = Now();
            var seq = await NextEventSeqAsync();
            bool refundedNow;
            try
            {
                refundedNow = await Fenced(() => ledger.RefundAsync(key, at, _fence, RefundedEvent(seq, donation, at)));
            }
            catch
            {
                _lastEventSeq = null;
                throw;
            }
            if (refundedNow)
            {
                _lastEventSeq = seq;
            }
            else
            {
                var current = await ledger.GetAsync(key);
                return new RefundOutcome(RefundResultKind.AlreadyRefunded, current?.ToView());
            }
            var refunded = donation with
            {
                Status = DonationStatus.Refunded,
                RefundedAt = at,
                Matches = [.. donation.Matches.Select(m => m.IsLive ? m with { ReversedAt = at, Reversal = "refund" } : m)],
            };
            Write.Refunded(donation, refunded);
            ReadModel.TotalsChanged(donation.ProjectId);
            CharityDayTelemetry.Refunds.Add(1, new KeyValuePair<string, object?>("partner", partnerId));
            return new RefundOutcome(RefundResultKind.Refunded, refunded.ToView());
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>A write refused by the fence means another activation owns the campaign now: step aside.</summary>
    private async Task<T> Fenced<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (FencedOutException)
        {
            OnFencedOut();
            throw;
        }
    }

    private void OnFencedOut()
    {
        logger.LogWarning("Campaign {CampaignId}: a newer activation owns the ledger; this one deactivates", CampaignId);
        Write.MarkStale();
        DeactivateOnIdle();
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>
    /// The campaign's zone. The API accepts only IANA zones this silo knows; a silo without one (an
    /// older tz database) says so loudly instead of matching days in UTC unnoticed.
    /// </summary>
    private TimeZoneInfo TimeZone
    {
        get
        {
            if (_settings is not { } s)
            {
                return TimeZoneInfo.Utc;
            }
            if (TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone, out var tz))
            {
                return tz;
            }
            logger.LogError("Campaign {CampaignId}: time zone {TimeZone} is unknown to this silo's time zone database; days are counted in UTC until it is installed", CampaignId, s.TimeZone);
            CharityDayTelemetry.UnknownTimeZones.Add(1, new KeyValuePair<string, object?>("campaign", CampaignId));
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>
    /// After a failed write the in-memory book may hold matches that never committed. The caller
    /// holds the gate; the commit in flight is awaited first, so the rebuild sees its outcome.
    /// </summary>
    private async Task EnsureBookFreshAsync()
    {
        if (_catalogStale)
        {
            // An admin commit's outcome is unknown: take the settings as the store has them first.
            await _commitInFlight;
            LoadCatalog(await admin.CampaignRowsAsync(CampaignId));
            ReadModel.Reset();
        }
        if (!Write.BookStale)
        {
            return;
        }
        await _commitInFlight;
        if (Write.BookStale)
        {
            await RebuildFromLedgerAsync("stale", CancellationToken.None);
        }
    }

    /// <summary>
    /// Restores the book's sums and the totals from the ledger's durable sums (the ledger is the
    /// truth): O(pools × projects + pools × days), whatever the number of donations. The donors'
    /// days the book holds stay (those a failed commit touched were forgotten).
    /// </summary>
    private async Task RebuildFromLedgerAsync(string reason, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        _lastEventSeq = null;
        Write.SetTimeZone(TimeZone);
        var snapshot = await OffTurn(() => ledger.LoadCampaignAsync(CampaignId, Write.RecentSince(time.GetUtcNow()), ct));
        Write.Restore(snapshot);
        ReadModel.Reset();
        var elapsedMs = time.GetElapsedTime(started).TotalMilliseconds;
        CharityDayTelemetry.RebuildDuration.Record(elapsedMs,
            new KeyValuePair<string, object?>("campaign", CampaignId), new KeyValuePair<string, object?>("reason", reason));
        logger.LogInformation("Campaign {CampaignId} restored from the ledger's sums ({Reason}) in {ElapsedMs:F0} ms: {Projects} projects with donations, {Pools} pools, {TailDonations} donations after the sums' mark read from rows, {Donors} donors held",
            CampaignId, reason, elapsedMs, Write.Totals.Count, _pools.Count, snapshot.TailDonations, Write.Book.Donors.Count);
        PublishDonorsHeld(Write.Book.Donors.Count);
    }

    private long _donorsHeldPublished = -1;

    /// <summary>Moves the working-set gauge (an up-down counter summed over campaigns) to this campaign's current size.</summary>
    private void PublishDonorsHeld(long held)
    {
        if (_donorsHeldPublished < 0)
        {
            // The first time, even at 0: the series exists from the campaign's first restore on.
            _donorsHeldPublished = 0;
            CharityDayTelemetry.DonorsHeld.Add(held, new KeyValuePair<string, object?>("campaign", CampaignId));
            _donorsHeldPublished = held;
            return;
        }
        var delta = held - _donorsHeldPublished;
        if (delta != 0)
        {
            CharityDayTelemetry.DonorsHeld.Add(delta, new KeyValuePair<string, object?>("campaign", CampaignId));
            _donorsHeldPublished = held;
        }
    }
}
