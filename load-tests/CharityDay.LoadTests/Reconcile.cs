using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace CharityDay.LoadTests;

/// <summary>
/// Looks up, after the load, every donation whose outcome stayed unknown (timeout, transport error, 5xx):
/// <c>GET /v1/donations/{id}</c> answers 200 if it was accepted after all, 404 if it was not.
/// </summary>
internal static class Reconcile
{
    private const int Attempts = 5;

    public static async Task<(long Late, long NotAccepted, long Unknown)> RunAsync(HttpClient partner, WorkerStats totals, CancellationToken ct)
    {
        if (totals.Unresolved.Count == 0)
        {
            return (0, 0, 0);
        }

        Console.WriteLine($"  looking up {totals.Unresolved.Count} donation(s) with an unknown outcome…");
        var found = new ConcurrentBag<(DonationRequest Donation, long Matched)>();
        long notAccepted = 0, unknown = 0;
        await Parallel.ForEachAsync(totals.Unresolved, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (donation, token) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                HttpStatusCode? status = null;
                try
                {
                    using var response = await partner.GetAsync($"v1/donations/{donation.DonationId}", token);
                    status = response.StatusCode;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadAsByteArrayAsync(token);
                        var answer = JsonSerializer.Deserialize(body, WireJson.Default.DonationResponse);
                        found.Add((donation, answer?.MatchedTotal ?? 0));
                        return;
                    }

                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        Interlocked.Increment(ref notAccepted);
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // fall through to the next attempt
                }

                if (attempt == Attempts)
                {
                    Interlocked.Increment(ref unknown);
                    Console.WriteLine($"    {donation.DonationId}: still unknown (last status {(status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")})");
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
            }
        });

        foreach (var (donation, matched) in found)
        {
            totals.Accept(donation.Amount, matched);
        }

        totals.Unresolved.Clear();
        return (found.Count, notAccepted, unknown);
    }
}
