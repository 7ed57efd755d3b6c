using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;
using CharityDay.Domain;
using CharityDay.Domain.Giving;
using CharityDay.Domain.Matching;
using CharityDay.Domain.Transparency;
using CharityDay.Grains.Admin;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Grains.Campaigns;

/// <summary>
/// The campaign owns its settings, projects and pools (ARCHITECTURE "the campaign owning its pools"):
/// every change is decided under the write lock, after the commit in flight, and committed under the
/// writer fence with its audit entry and Idempotency-Key answer in one transaction. Memory changes
/// only after that commit; a commit whose outcome is unknown makes the activation re-read the store
/// before anything else, so no answer other than a 2xx leaves a change in effect here.
/// </summary>
public sealed partial class CampaignGrain
{
    /// <summary>A write decided under the lock: its rows, its audit entry, its answer and what it changes in memory once committed.</summary>
    private sealed record AdminPlan(IReadOnlyList<SettingWrite> Writes, AuditDraft Audit, AdminAnswer Answer, Func<Task> Apply);

    public Task<PoolSettings?> GetPool(string poolId) => Task.FromResult(_pools.GetValueOrDefault(poolId) is { } pool ? pool with { Seed = null } : null);

    /// <summary>
    /// SPEC §3: once the pool's window has ended a manager may read its seed, and anyone given it can
    /// recompute every draw. The read is audited (without the seed).
    /// </summary>
    public Task<AdminAnswer> RevealSeed(AdminRequest request, string poolId) =>
        AdminWriteAsync(request, $"pool {poolId}", at =>
        {
            if (_pools.GetValueOrDefault(poolId) is not { } pool)
            {
                return Task.FromResult(Refused(AdminAnswer.Refused(AdminRefusals.NotFound, "poolId", $"pool {poolId} does not exist")));
            }
            if (!pool.SeedRevealable(at) || pool.Seed is null)
            {
                return Task.FromResult(Refused(AdminAnswer.Refused(AdminRefusals.Conflict, "endsAt",
                    pool.EndsAt is { } ends ? $"the seed is revealed after the pool ends at {ends:O}" : "the seed is revealed after the pool's endsAt, and it has none")));
            }
            var audit = AdminCommits.Audit(request, at, "pool.seed.read", AdminKinds.Pool, poolId, CampaignId, null, new { poolId });
            var answer = AdminCommits.Success(200, new { poolId, seed = pool.Seed }, null);
            return Task.FromResult<(AdminPlan?, AdminAnswer?)>((new AdminPlan([], audit, answer, () => Task.CompletedTask), null));
        });

    public Task<AdminAnswer> PutCampaign(AdminRequest request, CampaignSettings settings) =>
        AdminWriteAsync(request, $"campaign {CampaignId}", at => Task.FromResult(PlanCampaign(request, settings, at)));

    private (AdminPlan?, AdminAnswer?) PlanCampaign(AdminRequest request, CampaignSettings settings, DateTimeOffset at)
    {
        var before = _settings;
        var etag = ETagOf(AdminKinds.Campaign, CampaignId);
        if (!request.Matches(etag))
        {
            return Refused(AdminCommits.PreconditionFailed($"campaign {CampaignId}"));
        }
        var view = AdminJson.Campaign(settings);
        var write = AdminCommits.Setting(AdminKinds.Campaign, CampaignId, CampaignId, settings, view, etag);
        var audit = AdminCommits.Audit(request, at, before is null ? "campaign.create" : "campaign.replace", AdminKinds.Campaign, CampaignId, CampaignId,
            before is null ? null : AdminJson.Campaign(before), view);
        return Planned(write, audit, AdminCommits.Success(before is null ? 201 : 200, view, write.ETag), async () =>
        {
            _settings = settings;
            ReadModel.CampaignChanged();
            if (before?.TimeZone != settings.TimeZone)
            {
                Write.MarkStale();
                await EnsureBookFreshAsync();
            }
        });
    }

    public Task<AdminAnswer> PutProject(AdminRequest request, ProjectSettings project) =>
        AdminWriteAsync(request, $"project {project.ProjectId}", async at =>
        {
            if (_settings is null)
            {
                return Refused(AdminAnswer.Refused(AdminRefusals.NotFound, "campaignId", $"campaign {CampaignId} does not exist"));
            }
            var before = _projects.GetValueOrDefault(project.ProjectId);
            var etag = ETagOf(AdminKinds.Project, project.ProjectId);
            if (!request.Matches(etag))
            {
                return Refused(AdminCommits.PreconditionFailed($"project {project.ProjectId}"));
            }
            if (project.ParentProjectId is { } parentId && await CheckParentAsync(project.ProjectId, parentId) is { } parentProblem)
            {
                return Refused(parentProblem);
            }
            var view = AdminJson.Project(project);
            var write = AdminCommits.Setting(AdminKinds.Project, project.ProjectId, CampaignId, project, view, etag);
            var audit = AdminCommits.Audit(request, at, before is null ? "project.create" : "project.replace", AdminKinds.Project, project.ProjectId, CampaignId,
                before is null ? null : AdminJson.Project(before), view);
            return Planned(write, audit, AdminCommits.Success(before is null ? 201 : 200, view, write.ETag), () =>
            {
                _projects[project.ProjectId] = project;
                Write.SetProject(project.ProjectId, project.IsOpen);
                ReadModel.ProjectChanged(before, project);
                return Task.CompletedTask;
            });
        });

    public Task<AdminAnswer> PutPool(AdminRequest request, PoolSettings pool) =>
        AdminWriteAsync(request, $"pool {pool.PoolId}", async at =>
        {
            if (_settings is null)
            {
                return Refused(AdminAnswer.Refused(AdminRefusals.NotFound, "campaignId", $"campaign {CampaignId} does not exist"));
            }
            var etag = ETagOf(AdminKinds.Pool, pool.PoolId);
            if (!request.Matches(etag))
            {
                return Refused(AdminCommits.PreconditionFailed($"pool {pool.PoolId}"));
            }
            if (await CheckPoolProjectsAsync(pool) is { } projectProblem)
            {
                return Refused(projectProblem);
            }
            var before = _pools.GetValueOrDefault(pool.PoolId);
            if (before is not null && before.PointsProgram != pool.PointsProgram)
            {
                // SPEC §7: a conversion pool's payments are its points gifts' amounts, not matches: its kind stays.
                return Refused(AdminAnswer.Refused(AdminRefusals.Conflict, "pointsProgram",
                    $"pool {pool.PoolId} {(before.PointsProgram is null ? "is not a conversion pool" : $"converts points of {before.PointsProgram}")}; a pool's kind cannot change"));
            }
            // The seed is made once, when the pool is created, and survives every replacement.
            var seeded = pool with { Seed = before?.Seed ?? RandomRatio.NewSeed() };
            return PoolPlan(request, at, before is null ? "pool.create" : "pool.replace", before, seeded, etag, before is null ? 201 : 200);
        });

    public Task<AdminAnswer> PatchPool(AdminRequest request, PoolSettings expected, PoolSettings merged, long budgetDeltaFen) =>
        AdminWriteAsync(request, $"pool {merged.PoolId}", async at =>
        {
            if (_pools.GetValueOrDefault(merged.PoolId) is not { } before)
            {
                return Refused(AdminAnswer.Refused(AdminRefusals.NotFound, "poolId", $"pool {merged.PoolId} does not exist"));
            }
            var etag = ETagOf(AdminKinds.Pool, merged.PoolId);
            if (!request.Matches(etag))
            {
                return Refused(AdminCommits.PreconditionFailed($"pool {merged.PoolId}"));
            }
            // Two managers patching different fields at once (one pauses, one tops up) must both win:
            // applying a merge made from an older read would quietly undo the other's change.
            if (!SamePool(before, expected))
            {
                return Refused(AdminAnswer.Refused(AdminRefusals.StaleMerge, "poolId", $"pool {merged.PoolId} changed while the patch was merged"));
            }
            var budget = merged.BudgetFen + budgetDeltaFen;
            if (budget < 0 || budget > Money.MaxBudgetFen)
            {
                return Refused(AdminAnswer.Refused(AdminRefusals.Invalid, budgetDeltaFen != 0 ? "budgetDelta" : "budget",
                    $"budget {merged.BudgetFen} + budgetDelta {budgetDeltaFen} must stay within 0..{Money.MaxBudgetFen}"));
            }
            if (await CheckPoolProjectsAsync(merged) is { } projectProblem)
            {
                return Refused(projectProblem);
            }
            return PoolPlan(request, at, "pool.patch", before, merged with { BudgetFen = budget, Seed = before.Seed }, etag, 200);
        });

    public async Task<AdminAnswer> Clawback(AdminRequest request, string poolId, string donorId, string? partnerId, string reason)
    {
        var target = $"pool {poolId}";
        await EnterExclusiveAsync();
        try
        {
            await EnsureBookFreshAsync();
            if (await AdminCommits.ReplayAsync(admin, request) is { } replay)
            {
                return Counted("pool.clawback", replay);
            }
            if (!_pools.TryGetValue(poolId, out var pool))
            {
                return AdminAnswer.Refused(AdminRefusals.NotFound, "poolId", $"pool {poolId} does not exist");
            }
            var at = Now();
            var usageBefore = UsageOf(pool);
            // SPEC §7: the donor string of a merchant is shown as its merchantId, a person's as donorId.
            var (person, merchantId) = (MerchantDonor.PersonOf(donorId), MerchantDonor.MerchantOf(donorId));
            AdminAnswer? answer = null;
            IReadOnlyList<ReversedMatch> reversed;
            LedgerEvent? clawbackEvent = null;
            try
            {
                var clawbackSeq = await NextEventSeqAsync();
                reversed = await Fenced(() => ledger.ClawbackAsync(CampaignId, poolId, donorId, reason, request.CallerKeyId, at, _fence, matches =>
                {
                    // SPEC §6: refused inside the transaction (nothing written) when a project would keep less than it reported spent.
                    ThrowIfSpentExceeded(matches);
                    var returned = matches.Sum(m => m.AmountFen);
                    var body = new { poolId, donorId = person, merchantId, partnerId, reason, matchesReversed = matches.Count, amountReturned = returned };
                    answer = AdminCommits.Success(200, body, null);
                    // Before and after are the pool's usage around the clawback, so the log shows the money that came back.
                    var audit = AdminCommits.Audit(request, at, "pool.clawback", AdminKinds.Pool, poolId, CampaignId,
                        new { poolId, donorId = person, merchantId, partnerId, matched = usageBefore.MatchedFen, remaining = usageBefore.RemainingFen },
                        new
                        {
                            poolId,
                            donorId = person,
                            merchantId,
                            partnerId,
                            reason,
                            matchesReversed = matches.Count,
                            amountReturned = returned,
                            matched = usageBefore.MatchedFen - returned,
                            remaining = Math.Max(0, pool.BudgetFen - (usageBefore.MatchedFen - returned))
                        });
                    return AdminCommits.Build(request, at, [], audit, answer);
                }, partnerId, matches => clawbackEvent = ClawbackEvent(clawbackSeq, poolId, at, matches)));
                if (clawbackEvent is not null)
                {
                    _lastEventSeq = clawbackSeq;
                }
            }
            catch (AdminCommitRefusedException refused) when (refused.Result == AdminCommitResult.AnswerExists)
            {
                _lastEventSeq = null;
                return Counted("pool.clawback", await AdminCommits.ReplayAsync(admin, request) ?? AdminCommits.Unknown(target));
            }
            catch (SpentBoundException exceeded)
            {
                _lastEventSeq = null;
                return Counted("pool.clawback", AdminAnswer.Refused(AdminRefusals.ExceedsUnspent, "poolId", exceeded.Message));
            }
            catch (Exception e) when (e is not AdminCommitRefusedException)
            {
                _lastEventSeq = null;
                return Unknown("pool.clawback", target, e);
            }
            Write.ClawedBack(poolId, donorId, [.. reversed.Select(m => (new DonationKey(m.PartnerId, m.DonationId),
                new MatchRecord(m.PoolId, m.ProjectId, new DonorKey(m.PartnerId, m.DonorId), m.LocalDay, m.AmountFen)))], partnerId,
                reversed.Where(m => m.TeamId is not null).GroupBy(m => new DonationKey(m.PartnerId, m.DonationId)).ToDictionary(g => g.Key, g => g.First().TeamId!));
            foreach (var projectId in reversed.Select(m => m.ProjectId).Distinct())
            {
                ReadModel.TotalsChanged(projectId);
            }
            ReadModel.CampaignChanged();
            CharityDayTelemetry.Clawbacks.Add(1, new KeyValuePair<string, object?>("pool", poolId));
            logger.LogInformation("Clawback on pool {PoolId} by key {KeyId}: {Count} matches reversed, {Amount} fen returned",
                poolId, request.CallerKeyId, reversed.Count, reversed.Sum(m => m.AmountFen));
            return Counted("pool.clawback", answer!);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private (AdminPlan?, AdminAnswer?) PoolPlan(AdminRequest request, DateTimeOffset at, string action, PoolSettings? before, PoolSettings after, string? etag, int status)
    {
        var view = AdminJson.Pool(after);
        var write = AdminCommits.Setting(AdminKinds.Pool, after.PoolId, CampaignId, after, view, etag);
        var audit = AdminCommits.Audit(request, at, action, AdminKinds.Pool, after.PoolId, CampaignId, before is null ? null : AdminJson.Pool(before), view);
        var answer = AdminCommits.Success(status, AdminJson.PoolWithUsage(after, UsageOf(after)), write.ETag);
        var started = time.GetTimestamp();
        return Planned(write, audit, answer, () =>
        {
            _pools[after.PoolId] = after;
            Write.SetPool(after.ToRules());
            ReadModel.CampaignChanged();
            CharityDayTelemetry.PoolChangeDuration.Record(time.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("pool", after.PoolId));
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Decides (<paramref name="plan"/>) and commits one admin write under the write lock. A plan that
    /// finds the store not as this activation believed (memory behind storage) is made again once from
    /// the store's rows.
    /// </summary>
    private async Task<AdminAnswer> AdminWriteAsync(AdminRequest request, string target, Func<DateTimeOffset, Task<(AdminPlan? Plan, AdminAnswer? Refusal)>> plan)
    {
        await EnterExclusiveAsync();
        try
        {
            await EnsureBookFreshAsync();
            if (await AdminCommits.ReplayAsync(admin, request) is { } replay)
            {
                if (replay.Refusal is null)
                {
                    // The first answer may have been lost after its commit but before the directory heard of it.
                    await RegisterInDirectoryAsync();
                }
                return Counted(target, replay);
            }
            for (var attempt = 0; ; attempt++)
            {
                var at = Now();
                var (decided, refusal) = await plan(at);
                if (decided is null)
                {
                    return Counted(target, refusal!);
                }
                _fence ??= await ledger.ClaimWriterAsync(CampaignId);
                var started = time.GetTimestamp();
                AdminCommitOutcome outcome;
                try
                {
                    outcome = await Fenced(() => admin.CommitAdminAsync(AdminCommits.Build(request, at, decided.Writes, decided.Audit, decided.Answer), _fence));
                }
                catch (Exception e)
                {
                    return Unknown(decided.Audit.Action, target, e);
                }
                CharityDayTelemetry.AdminCommitDuration.Record(time.GetElapsedTime(started).TotalMilliseconds,
                    new KeyValuePair<string, object?>("action", decided.Audit.Action));
                switch (outcome.Result)
                {
                    case AdminCommitResult.Committed:
                        foreach (var write in decided.Writes)
                        {
                            _etags[$"{write.Kind}/{write.Id}"] = write.ETag;
                        }
                        await decided.Apply();
                        await RegisterInDirectoryAsync();
                        logger.LogInformation("Admin {Action} {Target} by key {KeyId}: audit entry {Seq}",
                            decided.Audit.Action, decided.Audit.Target, request.CallerKeyId, outcome.Entry!.Seq);
                        return Counted(decided.Audit.Action, decided.Answer);
                    case AdminCommitResult.AnswerExists:
                        return Counted(target, await AdminCommits.ReplayAsync(admin, request) ?? AdminCommits.Unknown(target));
                    case AdminCommitResult.Stale when attempt == 0:
                        logger.LogWarning("Campaign {CampaignId}: {Target} is not in the store as this activation held it; re-reading", CampaignId, target);
                        LoadCatalog(await admin.CampaignRowsAsync(CampaignId));
                        ReadModel.Reset();
                        continue;
                    default:
                        // Still stale after re-reading this campaign's rows: the id belongs to another campaign.
                        return Counted(target, AdminAnswer.Refused(AdminRefusals.Conflict, "campaignId",
                            $"{target} belongs to another campaign; it cannot change campaign"));
                }
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// The commit failed or its outcome is unknown (the connection broke after it was sent): take the
    /// store's settings and the ledger's sums before anything else, and tell the caller to retry with
    /// the same Idempotency-Key.
    /// </summary>
    private AdminAnswer Unknown(string action, string target, Exception e)
    {
        _catalogStale = true;
        Write.MarkStale();
        logger.LogWarning(e, "Campaign {CampaignId}: admin {Action} on {Target} failed or its outcome is unknown; the activation re-reads the store", CampaignId, action, target);
        return Counted(action, AdminCommits.Unknown(target));
    }

    private static AdminAnswer Counted(string action, AdminAnswer answer)
    {
        var result = answer.Replayed ? "replayed" : answer.Refusal?.Kind ?? "committed";
        CharityDayTelemetry.AdminWrites.Add(1, new KeyValuePair<string, object?>("action", action.Split(' ')[0]), new KeyValuePair<string, object?>("result", result));
        return answer;
    }

    private static (AdminPlan?, AdminAnswer?) Refused(AdminAnswer refusal) => (null, refusal);

    private static (AdminPlan?, AdminAnswer?) Planned(SettingWrite write, AuditDraft audit, AdminAnswer answer, Func<Task> apply) =>
        (new AdminPlan([write], audit, answer, apply), null);

    private string? ETagOf(string kind, string id) => _etags.GetValueOrDefault($"{kind}/{id}");

    private PoolUsageView UsageOf(PoolSettings pool)
    {
        var book = Write.Book;
        var matched = book.MatchedFen(pool.PoolId);
        return new PoolUsageView(matched, book.MatchedOnDayFen(pool.PoolId, book.LocalDay(time.GetUtcNow())), book.MatchCount(pool.PoolId),
            Math.Max(0, pool.BudgetFen - matched));
    }

    /// <summary>A pool's scope names projects of its own campaign only.</summary>
    private async Task<AdminAnswer?> CheckPoolProjectsAsync(PoolSettings pool)
    {
        for (var i = 0; i < (pool.ProjectIds?.Count ?? 0); i++)
        {
            var projectId = pool.ProjectIds![i];
            if (_projects.ContainsKey(projectId))
            {
                continue;
            }
            return await admin.GetSettingAsync(AdminKinds.Project, projectId) is null
                ? AdminAnswer.Refused(AdminRefusals.NotFound, $"projectIds[{i}]", $"project {projectId} does not exist")
                : AdminAnswer.Refused(AdminRefusals.Invalid, $"projectIds[{i}]", $"project {projectId} belongs to another campaign");
        }
        return null;
    }

    /// <summary>The parent must exist in the same campaign, and the parent chain must not loop back.</summary>
    private async Task<AdminAnswer?> CheckParentAsync(string projectId, string parentId)
    {
        if (!_projects.TryGetValue(parentId, out var parent))
        {
            return await admin.GetSettingAsync(AdminKinds.Project, parentId) is null
                ? AdminAnswer.Refused(AdminRefusals.NotFound, "parentProjectId", $"project {parentId} does not exist")
                : AdminAnswer.Refused(AdminRefusals.Invalid, "parentProjectId", $"project {parentId} belongs to another campaign");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal) { projectId };
        for (var ancestor = parent; ancestor is not null; ancestor = ancestor.ParentProjectId is { } next ? _projects.GetValueOrDefault(next) : null)
        {
            if (!seen.Add(ancestor.ProjectId))
            {
                return AdminAnswer.Refused(AdminRefusals.Invalid, "parentProjectId", "the parent chain would form a cycle");
            }
        }
        return null;
    }

    /// <summary>Record equality compares the project list by reference; a copy from the wire is another list.</summary>
    private static bool SamePool(PoolSettings a, PoolSettings b) =>
        a with { ProjectIds = null, Seed = null } == b with { ProjectIds = null, Seed = null }
        && (a.ProjectIds is null
            ? b.ProjectIds is null
            : b.ProjectIds is not null && a.ProjectIds.SequenceEqual(b.ProjectIds, StringComparer.Ordinal));
}
