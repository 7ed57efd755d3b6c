using System.Text.Json;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

/// <summary>The campaign manager during the day: opens the tranche, tops up, pauses and resumes, claws back scripted donors.</summary>
public sealed class ManagerScript(Api api, ScenarioPlan plan, RunTarget target, RunClock clock)
{
    private readonly List<ManagerResult> _results = [];

    public IReadOnlyList<ManagerResult> Results => _results;

    public async Task RunAsync(CancellationToken stop)
    {
        foreach (var action in plan.Manager)
        {
            try
            {
                await clock.WaitUntilAsync(action.OffsetMicros, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _results.Add(await ExecuteAsync(action));
        }
    }

    private async Task<ManagerResult> ExecuteAsync(ManagerAction action)
    {
        var poolPath = $"v1/admin/pools/{target.PoolId(action.PoolKey)}";
        var sent = clock.NowMicros;
        var sentUtc = DateTimeOffset.UtcNow;
        var returned = new Dictionary<string, long>(StringComparer.Ordinal);
        var status = 200;
        var detail = "";
        try
        {
            switch (action.Kind)
            {
                case ManagerActionKind.OpenTranche or ManagerActionKind.Resume:
                    await api.SendOkAsync(HttpMethod.Patch, poolPath, new { paused = false }, target.ManagerKey, CancellationToken.None);
                    break;
                case ManagerActionKind.Pause:
                    await api.SendOkAsync(HttpMethod.Patch, poolPath, new { paused = true }, target.ManagerKey, CancellationToken.None);
                    break;
                case ManagerActionKind.TopUp:
                    await api.SendOkAsync(HttpMethod.Patch, poolPath, new { budgetDelta = action.AmountFen }, target.ManagerKey, CancellationToken.None);
                    break;
                case ManagerActionKind.Clawback:
                    foreach (var donor in action.DonorIds)
                    {
                        var answer = await api.SendOkAsync(HttpMethod.Post, poolPath + "/clawback",
                            new { donorId = donor, reason = "scripted account: more than five gifts a minute" }, target.ManagerKey, CancellationToken.None);
                        returned[donor] = JsonSerializer.Deserialize(answer.Body, WireJson.Default.ClawbackAnswer)?.AmountReturned ?? 0;
                    }

                    detail = $"{returned.Values.Sum() / 100.0:N2} yuan returned";
                    break;
            }
        }
        catch (ApiException ex)
        {
            status = 0;
            detail = ex.Message;
        }

        var answered = clock.NowMicros;
        Console.WriteLine($"  manager: {action.Describe()} → {(status == 0 ? "FAILED " + detail : $"ok in {(answered - sent) / 1000.0:N1} ms {detail}")}");
        return new ManagerResult(action, sent, answered, sentUtc, status, detail, returned);
    }
}
