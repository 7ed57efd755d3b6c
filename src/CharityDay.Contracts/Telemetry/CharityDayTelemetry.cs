using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CharityDay.Contracts.Telemetry;

/// <summary>
/// The CharityDay Meter and ActivitySource. Tags are bounded values only (partner, campaign,
/// pool, result, reason) — never donor or donation ids.
/// </summary>
public static class CharityDayTelemetry
{
    public const string Name = "CharityDay";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Donations = Meter.CreateCounter<long>(
        "charityday.donations", "{donation}", "Donations handled, by result (accepted, replayed, rejected) and reason.");

    public static readonly Counter<long> DonatedAmount = Meter.CreateCounter<long>(
        "charityday.donations.amount", "fen", "Money donated in accepted donations.");

    public static readonly Counter<long> MatchedAmount = Meter.CreateCounter<long>(
        "charityday.matches.amount", "fen", "Matching money given by pools to accepted donations.");

    public static readonly Counter<long> PointsConverted = Meter.CreateCounter<long>(
        "charityday.points.converted", "{point}", "Loyalty points used by accepted points gifts (SPEC §7), by conversion pool; their fen are in charityday.donations.amount.");

    public static readonly Counter<long> MerchantAmount = Meter.CreateCounter<long>(
        "charityday.merchant.amount", "fen", "Money given by accepted merchant gifts (SPEC §7), by partner; also in charityday.donations.amount.");

    public static readonly Counter<long> MerchantOrders = Meter.CreateCounter<long>(
        "charityday.merchant.orders", "{order}", "Orders covered by accepted merchant gifts (SPEC §7), by partner.");

    public static readonly Histogram<double> IngestDuration = Meter.CreateHistogram<double>(
        "charityday.donations.ingest.duration", "ms", "From the request reaching the write path to its commit being acknowledged.");

    public static readonly Histogram<long> CommitBatchSize = Meter.CreateHistogram<long>(
        "charityday.ledger.commit.batch_size", "{donation}", "Donations written in one group-commit transaction.");

    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "charityday.ledger.commit.duration", "ms", "Time of one group-commit transaction.");

    public static readonly Histogram<double> CheckpointDuration = Meter.CreateHistogram<double>(
        "charityday.ledger.checkpoint.duration", "ms", "Embedded profile: one background WAL checkpoint of the SQLite file.");

    public static readonly Counter<long> Commits = Meter.CreateCounter<long>(
        "charityday.ledger.commits", "{commit}", "Group-commit transactions, by result.");

    public static readonly Counter<long> Refunds = Meter.CreateCounter<long>(
        "charityday.refunds", "{refund}", "Refunds, by result.");

    public static readonly Counter<long> TeamWrites = Meter.CreateCounter<long>(
        "charityday.team_writes", "{write}", "Partners' team namings (PUT /v1/teams), by campaign and result.");

    public static readonly Counter<long> PledgeWrites = Meter.CreateCounter<long>(
        "charityday.pledge_writes", "{write}", "Monthly pledge creations, replacements and cancellations, by campaign, action and result.");

    public static readonly Counter<long> ReportWrites = Meter.CreateCounter<long>(
        "charityday.report_writes", "{report}", "Use-of-funds reports (SPEC §6) filed, replayed and refused, by result.");

    public static readonly Counter<long> Clawbacks = Meter.CreateCounter<long>(
        "charityday.clawbacks", "{clawback}", "Donor clawbacks on a pool.");

    public static readonly Histogram<double> PoolChangeDuration = Meter.CreateHistogram<double>(
        "charityday.pool.change.duration", "ms", "Time for a live pool change to take effect on the write path.");

    public static readonly Counter<long> AdminWrites = Meter.CreateCounter<long>(
        "charityday.admin.writes", "{write}", "Admin writes by action and result (committed, replayed, refused, stale, unknown).");

    public static readonly Histogram<double> AdminCommitDuration = Meter.CreateHistogram<double>(
        "charityday.admin.commit.duration", "ms", "One admin transaction: the change, its audit entry and its Idempotency-Key answer.");

    public static readonly Counter<long> UnknownTimeZones = Meter.CreateCounter<long>(
        "charityday.campaign.timezone.unknown", "{lookup}", "A campaign's time zone was not in this silo's time zone database (days fall back to UTC).");

    public static readonly Counter<long> WriterCalls = Meter.CreateCounter<long>(
        "charityday.campaign.writer.calls", "{call}", "Grain calls that reach a campaign's writer activation, by campaign and method.");

    public static readonly Counter<long> SnapshotFetches = Meter.CreateCounter<long>(
        "charityday.read.snapshot.fetches", "{fetch}", "Pulls of a campaign snapshot by a silo's read cache, by result (changed, unchanged, missing, failed).");

    public static readonly Histogram<double> SnapshotAge = Meter.CreateHistogram<double>(
        "charityday.read.snapshot.age", "ms", "Age of the snapshot copy a public read was answered from.");

    public static readonly Counter<long> DirectoryFetches = Meter.CreateCounter<long>(
        "charityday.read.directory.fetches", "{fetch}", "Pulls of the id directories (catalog, keys) by a silo, by directory.");

    public static readonly Counter<long> DirectoryMisses = Meter.CreateCounter<long>(
        "charityday.read.directory.misses", "{lookup}", "Ids a silo's directory copy did not have (unknown keys, projects, campaigns), by directory and answer (fetched: after a fetch; kept: a recent miss answered from memory).");

    public static readonly Counter<long> PublicReadsLimited = Meter.CreateCounter<long>(
        "charityday.read.public.limited", "{request}", "Public reads refused with 429 by the optional per-IP limit (CharityDay__PublicReadsPerIpPerSecond).");

    public static readonly Histogram<long> CoalescedBatchSize = Meter.CreateHistogram<long>(
        "charityday.ingest.coalesced.batch_size", "{donation}", "Single posts a silo sent to a campaign's writer in one grain call.");

    public static readonly Histogram<double> ActivationDuration = Meter.CreateHistogram<double>(
        "charityday.campaign.activation.duration", "ms", "From a campaign's activation starting to its write path being ready (settings, writer claim, restore).");

    public static readonly Histogram<double> RebuildDuration = Meter.CreateHistogram<double>(
        "charityday.campaign.rebuild.duration", "ms", "One restore of a campaign's book and totals from the ledger's durable sums, by reason (activation, failed_commit, stale).");

    public static readonly UpDownCounter<long> DonorsHeld = Meter.CreateUpDownCounter<long>(
        "charityday.campaign.donors.held", "{donor}", "Donors whose day a campaign's matching book holds in memory (its bounded working set).");

    public static readonly Counter<long> DonorsLoaded = Meter.CreateCounter<long>(
        "charityday.campaign.donors.loaded", "{donor}", "Donors a capped pool needed whose day the book did not hold: read from the ledger (working-set misses).");

    public static readonly Counter<long> Shed = Meter.CreateCounter<long>(
        "charityday.load_shed", "{request}", "Requests refused with 429 because a bounded queue was full.");

    public static readonly Counter<long> StorageErrors = Meter.CreateCounter<long>(
        "charityday.storage.errors", "{error}",
        "Storage operations that failed, by operation (ledger.append, ledger.find, grain_state, membership, ...) and kind (connection, timeout, database, other).");

    public static readonly Counter<long> StorageRetries = Meter.CreateCounter<long>(
        "charityday.storage.retries", "{retry}",
        "Storage work done again on a fresh connection because the one it had was dead (a pooled connection a database restart killed, or a read cut off), by operation.");

    // The pool gauges are observable: their callbacks live with the silo that hosts the campaign
    // (CharityDay.Grains.Telemetry.PoolGaugeRegistry). Their names are here so this file stays the
    // one catalogue of CharityDay instruments. Tags: campaign, pool. Unit: fen.

    public const string PoolBudget = "charityday.pool.budget";
    public const string PoolMatched = "charityday.pool.matched";
    public const string PoolRemaining = "charityday.pool.remaining";
    public const string PoolMatchedToday = "charityday.pool.matched_today";
    public const string FenUnit = "fen";

    // Partner rate limits (SPEC §4, §5). Decisions count donations (a batch of N counts N), by partner,
    // mode (shared: Redis decided for the cluster; fallback: Redis failed or was slow, this silo decided
    // at its share; local: no Redis configured) and result (allowed, limited). The fallback gauge is 1
    // while a silo's circuit keeps it off Redis; its callback lives with the limiter
    // (CharityDay.Api.Partners.PartnerRateLimiter).

    public static readonly Counter<long> RateLimitDecisions = Meter.CreateCounter<long>(
        "charityday.ratelimit.decisions", "{donation}", "Donations judged by a partner's rate limit, by partner, mode (shared, fallback, local) and result (allowed, limited).");

    public const string RateLimitFallback = "charityday.ratelimit.fallback";
}
