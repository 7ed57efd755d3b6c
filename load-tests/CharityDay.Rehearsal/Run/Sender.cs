namespace CharityDay.Rehearsal.Run;

/// <summary>
/// Sends a request as a partner does: on a timeout, a transport error, 408, 429 or 5xx it sends the
/// same payload again (same donationId: idempotency makes that safe), at most <c>maxRetries</c> times
/// and never after the deadline. An "impatient" first attempt is abandoned after a few milliseconds,
/// as a partner's gateway with a short timeout would, and retried.
/// </summary>
public sealed class Sender(Api api, RunClock clock, LiveStats live, int maxRetries, long deadlineMicros)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    public async Task SendAsync(HttpMethod method, string path, byte[]? body, string key, int impatientMs, EventResult result)
    {
        for (var attempt = 0; ; attempt++)
        {
            var started = clock.NowMicros;
            if (attempt == 0)
            {
                result.FirstSendMicros = started;
            }
            else
            {
                live.AddRetry(started);
            }

            result.Attempts++;
            live.AddSent();
            bool ambiguous;
            TimeSpan? retryAfter = null;
            using var impatience = attempt == 0 && impatientMs > 0 ? new CancellationTokenSource(impatientMs) : null;
            try
            {
                var answer = await api.SendAsync(method, path, body, key, impatience?.Token ?? CancellationToken.None);
                var done = clock.NowMicros;
                result.Status = answer.Status;
                result.ServiceMicros = done - started;
                result.DoneMicros = done;
                result.ProblemJson = answer.ContentType == "application/problem+json";
                if (answer.Ok && impatience is not null)
                {
                    // The answer came, but after the partner's gateway had given up on it: the partner
                    // never saw it and sends the donation again. Kept to compare with the replay.
                    result.LostAnswer = Wire.Parse(answer.Body, WireJson.Default.DonationAnswer);
                    result.ErrorSample ??= "answer lost to a gateway timeout (simulated)";
                    ambiguous = true;
                }
                else if (answer.Ok)
                {
                    result.Outcome = Outcome.Accepted;
                    result.Answer = Wire.Parse(answer.Body, WireJson.Default.DonationAnswer);
                    return;
                }

                else
                {
                    live.AddAttemptError(done);
                    result.ErrorSample ??= $"{answer.Status} {answer.Snippet(200)}";
                    if (answer.Status is not (408 or 429 or >= 500))
                    {
                        result.Outcome = Outcome.Refused;
                        return;
                    }

                    ambiguous = answer.Status != 429;
                    retryAfter = answer.RetryAfter;
                }
            }
            catch (Exception ex) when (ex is TaskCanceledException or HttpRequestException)
            {
                var done = clock.NowMicros;
                if (impatience?.IsCancellationRequested != true)
                {
                    live.AddAttemptError(done);
                }

                result.Status = 0;
                result.DoneMicros = done;
                result.ServiceMicros = done - started;
                result.ErrorSample ??= impatience?.IsCancellationRequested == true ? "gateway timeout (simulated)" : ex.GetType().Name + ": " + ex.Message;
                ambiguous = true;
            }

            var delay = retryAfter ?? TimeSpan.FromMilliseconds(50 * (attempt + 1));
            delay = delay > MaxRetryDelay ? MaxRetryDelay : delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
            if (attempt >= maxRetries || clock.NowMicros + (long)delay.TotalMicroseconds >= deadlineMicros)
            {
                result.Outcome = ambiguous ? Outcome.Unknown : Outcome.Refused;
                return;
            }

            await Task.Delay(delay);
        }
    }
}
