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

    public static async Task<(long Late, long NotAccepted, long Unknown)> RunAsync(
        HttpClient partner, HttpClient reader, string campaignId, TimeSpan quiesceTimeout, WorkerStats totals, CancellationToken ct)
    {
        if (totals.Unresolved.Count == 0)
        {
            return (0, 0, 0);
        }

        // A request the client gave up on may still be working on the server (a queued batch commits after the
        // client's timeout). Looking its donations up before the server is done would call them "not accepted"
        // and then find them in the totals: wait until the campaign's count stops moving first.
        await WaitForQuiescenceAsync(reader, campaignId, quiesceTimeout, ct);

        Console.WriteLine($"  looking up {totals.Unresolved.Count} donation(s) with an unknown outcome…");
        var found = new ConcurrentBag<(DonationRequest Donation, DonationResponse? Answer)>();
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
                        found.Add((donation, answer));
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

        foreach (var (donation, answer) in found)
        {
            totals.Accept(donation.Amount, answer?.MatchedTotal ?? 0);
            totals.Track(donation, answer);
        }

        totals.Unresolved.Clear();
        return (found.Count, notAccepted, unknown);
    }

    private static async Task WaitForQuiescenceAsync(HttpClient reader, string campaignId, TimeSpan timeout, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long? last = null;
        var stable = 0;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < timeout && stable < 3)
        {
            long? count = null;
            try
            {
                var body = await HttpJson.SendOkAsync(reader, HttpMethod.Get, $"v1/campaigns/{campaignId}", null, ct);
                count = JsonSerializer.Deserialize(body, WireJson.Default.CampaignRead)?.DonationCount;
            }
            catch (Exception ex) when (ex is ApiException or HttpRequestException or TaskCanceledException or JsonException)
            {
            }

            stable = count is not null && count == last ? stable + 1 : 0;
            last = count;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        Console.WriteLine($"  server quiescent after {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({last?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} donations in the campaign)");
    }
}
