using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CharityDay.LoadTests;

/// <summary>
/// Posts donations as a partner would: on a timeout, a transport error, 408, 429 or 5xx it retries the
/// same payload (same donationId, so the server's idempotency makes the retry safe), up to
/// <see cref="BenchOptions.MaxRetries"/> times and never after the deadline. A donation whose outcome
/// stays unknown is kept aside and looked up after the run, so the verification stays exact.
/// </summary>
internal sealed class PartnerClient(HttpClient http, BenchOptions options, LiveCounters live)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private enum Outcome
    {
        /// <summary>2xx: the body is the answer.</summary>
        Answered,

        /// <summary>A definitive refusal (4xx other than 408, or 429 after the last retry): nothing was accepted.</summary>
        Refused,

        /// <summary>Timeout, transport error, 408 or 5xx after the last retry: the server may or may not have accepted it.</summary>
        Unknown,
    }

    public async Task PostSingleAsync(DonationRequest donation, WorkerStats stats, long deadline)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(donation, WireJson.Default.DonationRequest);
        var (outcome, body) = await SendAsync("v1/donations", payload, stats, deadline);
        switch (outcome)
        {
            case Outcome.Answered:
                var answer = Parse(body, WireJson.Default.DonationResponse);
                stats.Accept(donation.Amount, answer?.MatchedTotal ?? 0);
                stats.Track(donation, answer);
                live.AddAccepted(1);
                if (answer?.Replayed == true)
                {
                    stats.Replays++;
                }

                break;
            case Outcome.Refused:
                stats.Rejected++;
                break;
            default:
                stats.Unresolved.Add(donation);
                break;
        }
    }

    public async Task PostBatchAsync(DonationRequest[] donations, WorkerStats stats, long deadline)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new BatchRequest(donations), WireJson.Default.BatchRequest);
        var (outcome, body) = await SendAsync("v1/donations/batch", payload, stats, deadline);
        if (outcome == Outcome.Refused)
        {
            stats.Rejected += donations.Length;
            return;
        }

        if (outcome == Outcome.Unknown)
        {
            stats.Unresolved.AddRange(donations);
            return;
        }

        var results = new BatchItemResult?[donations.Length];
        foreach (var item in Parse(body, WireJson.Default.BatchResponse)?.Results ?? [])
        {
            if (item.Index >= 0 && item.Index < results.Length)
            {
                results[item.Index] = item;
            }
        }

        long accepted = 0;
        for (var i = 0; i < donations.Length; i++)
        {
            var item = results[i];
            if (item is null)
            {
                stats.Error("item:missing", $"batch answer has no result for index {i}");
                stats.Unresolved.Add(donations[i]);
                continue;
            }

            var (success, code) = ItemStatus(item);
            if (success)
            {
                stats.Accept(donations[i].Amount, item.Donation?.MatchedTotal ?? 0);
                stats.Track(donations[i], item.Donation);
                accepted++;
                if (item.Donation?.Replayed == true)
                {
                    stats.Replays++;
                }

                continue;
            }

            stats.Error($"item:{code}", item.Error?.GetRawText());
            live.AddError();
            if (int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) && numeric >= 500)
            {
                stats.Unresolved.Add(donations[i]);
            }
            else
            {
                stats.Rejected++;
            }
        }

        live.AddAccepted(accepted);
    }

    private async Task<(Outcome Outcome, byte[] Body)> SendAsync(string path, byte[] payload, WorkerStats stats, long deadline)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                stats.Retries++;
            }

            stats.Requests++;
            live.AddRequest();
            var started = Stopwatch.GetTimestamp();
            bool ambiguous;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path);
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = JsonType;
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                stats.RecordLatency((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);

                var code = (int)response.StatusCode;
                if (code is >= 200 and < 300)
                {
                    return (Outcome.Answered, body);
                }

                stats.Error(code.ToString(CultureInfo.InvariantCulture), HttpJson.Snippet(body));
                live.AddError();
                if (code is not (408 or 429 or >= 500))
                {
                    return (Outcome.Refused, body);
                }

                ambiguous = code != 429;
                retryAfter = RetryAfter(response);
            }
            catch (TaskCanceledException)
            {
                // HttpClient.Timeout elapsed (no other token is passed in).
                stats.Error("timeout");
                live.AddError();
                ambiguous = true;
            }
            catch (HttpRequestException ex)
            {
                stats.Error("transport", ex.Message);
                live.AddError();
                ambiguous = true;
            }

            var delay = retryAfter ?? TimeSpan.FromMilliseconds(50 * (attempt + 1));
            if (delay > MaxRetryDelay)
            {
                delay = MaxRetryDelay;
            }

            var giveUp = attempt >= options.MaxRetries
                || Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency) >= deadline;
            if (giveUp)
            {
                return (ambiguous ? Outcome.Unknown : Outcome.Refused, []);
            }

            await Task.Delay(delay);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    /// <summary>Reads a batch item's status, accepting a number (201/200/4xx) or a word ("accepted", "replayed", …).</summary>
    private static (bool Success, string Code) ItemStatus(BatchItemResult item)
    {
        switch (item.Status.ValueKind)
        {
            case JsonValueKind.Number when item.Status.TryGetInt32(out var code):
                return (code is >= 200 and < 300, code.ToString(CultureInfo.InvariantCulture));
            case JsonValueKind.String:
                var text = item.Status.GetString() ?? "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return (parsed is >= 200 and < 300, text);
                }

                var ok = text.ToLowerInvariant() is "created" or "accepted" or "replayed" or "ok" or "success";
                return (ok && item.Error is null, text);
            default:
                return (item.Donation is not null && item.Error is null, "error");
        }
    }

    private static T? Parse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
