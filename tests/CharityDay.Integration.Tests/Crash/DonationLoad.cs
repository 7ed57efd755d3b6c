using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Crash;

public sealed record SentDonation(string DonationId, string ProjectId, string DonorId, long Amount);

/// <summary>
/// Partners posting donations while silos die: every answer is recorded; a request that got no
/// answer (or a 5xx/429) is retried with the same donationId and payload, as a partner would.
/// </summary>
public sealed class DonationLoad(Func<HttpClient> clients, string partnerKey, IReadOnlyList<string> projects, int donors, int seed)
{
    public ConcurrentDictionary<string, JsonNode> Acknowledged { get; } = new();
    public ConcurrentDictionary<string, SentDonation> Unknown { get; } = new();

    /// <summary>When each 2xx arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamps), for recovery times.</summary>
    public ConcurrentQueue<long> AckTimestamps { get; } = new();
    public int Sent => _sent;

    private int _sent;

    public async Task RunAsync(int workers, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + w);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var donation = new SentDonation($"w{w}-{n++}", projects[random.Next(projects.Count)], $"donor{random.Next(donors)}", random.Next(100, 5_000));
                Interlocked.Increment(ref _sent);
                if (!await TryOnceAsync(donation))
                {
                    // A partner backs off when the service fails, instead of spinning.
                    await Task.Delay(200, CancellationToken.None);
                }
            }
        })));
    }

    /// <summary>Retries every unanswered donation until each is acknowledged (or the deadline passes).</summary>
    public async Task SettleAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!Unknown.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.WhenAll(Unknown.Values.ToList().Select(d => TryOnceAsync(d)));
            if (!Unknown.IsEmpty)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Posts once (to <paramref name="client"/>, else the next silo); false when it must be retried.</summary>
    public async Task<bool> TryOnceAsync(SentDonation donation, HttpClient? client = null)
    {
        try
        {
            var http = client ?? clients();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/donations")
            {
                Content = JsonContent.Create(new { donationId = donation.DonationId, projectId = donation.ProjectId, donorId = donation.DonorId, amount = donation.Amount }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", partnerKey);
            using var response = await http.SendAsync(request, timeout.Token);
            var code = (int)response.StatusCode;
            if (code is 200 or 201)
            {
                Acknowledged[donation.DonationId] = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                AckTimestamps.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
                Unknown.TryRemove(donation.DonationId, out _);
                return true;
            }
            if (code is 429 or >= 500)
            {
                Unknown[donation.DonationId] = donation;
                return false;
            }
            throw new InvalidOperationException($"donation {donation.DonationId} was refused with {code}: {await response.Content.ReadAsStringAsync()}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Unknown[donation.DonationId] = donation;
            return false;
        }
    }
}
