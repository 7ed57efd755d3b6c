using System.Text.Json;
using CharityDay.Rehearsal.Scenario;

namespace CharityDay.Rehearsal.Run;

/// <summary>
/// After the load, looks up every request whose outcome stayed unknown (timeout, transport error,
/// 5xx): <c>GET /v1/donations/{id}</c> says whether the donation (or its refund) took effect.
/// </summary>
public static class Reconcile
{
    private const int Attempts = 5;

    public static async Task<(int Looked, int Settled)> RunAsync(Api api, ScenarioPlan plan, RunTarget target, IReadOnlyList<EventResult> results)
    {
        var unknown = plan.Events.Where(e => results[e.Index].Outcome == Outcome.Unknown && e.Bad != BadKind.InvalidDonationId && e.Bad != BadKind.Malformed).ToList();
        var settled = 0;
        await Parallel.ForEachAsync(unknown, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (e, ct) =>
        {
            var result = results[e.Index];
            var key = target.PartnerSecrets[e.Partner];
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    var answer = await api.SendAsync(HttpMethod.Get, $"v1/donations/{e.DonationId}", null, key, ct);
                    if (answer.Status is 200 or 404)
                    {
                        var found = answer.Status == 200 ? Wire.Parse(answer.Body, WireJson.Default.DonationAnswer) : null;
                        Settle(e, result, found);
                        Interlocked.Increment(ref settled);
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // try again
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
            }
        });
        return (unknown.Count, settled);
    }

    private static void Settle(PlannedEvent e, EventResult result, DonationAnswer? found)
    {
        result.ResolvedByLookup = true;
        var tookEffect = e.Kind switch
        {
            EventKind.Refund => found?.Status == "refunded",
            EventKind.Bad when e.Bad == BadKind.Conflict => false, // the original exists; the conflicting post never does
            _ => found is not null,
        };
        result.Outcome = tookEffect ? Outcome.Accepted : Outcome.Refused;
        result.Answer = tookEffect ? found : null;
    }
}
