using System.Collections.Concurrent;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using CharityDay.Contracts.Telemetry;

namespace CharityDay.Api.Partners;

/// <summary>
/// Coalesced ingest (ARCHITECTURE "Coalesce on the way in"): concurrent single posts on this silo
/// for one campaign travel to its writer as one grain call and are answered one by one. A lane sends
/// at once while fewer than <see cref="MaxCallsInFlight"/> calls are out; past that, posts gather
/// until a call returns, so the busier the writer, the bigger the calls — no timer, no added wait
/// when the system is quiet.
/// </summary>
public sealed class DonationCoalescer(GrainReferences grains)
{
    /// <summary>Two calls out per lane: one being matched while the other commits, which is what the writer pipelines.</summary>
    public const int MaxCallsInFlight = 2;

    /// <summary>The largest call a lane sends (a partner's batch may be as big).</summary>
    public const int MaxCallSize = 1000;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Submits one donation of a campaign the catalog knows (so lanes exist for real campaigns only).</summary>
    public Task<DonationOutcome> SubmitAsync(string campaignId, DonationRequest request)
    {
        var lane = _lanes.GetOrAdd(campaignId, id => new Lane(grains.Campaign(id), id));
        return lane.SubmitAsync(request);
    }

    private sealed class Lane(ICampaignGrain writer, string campaignId)
    {
        private readonly ConcurrentQueue<(DonationRequest Request, TaskCompletionSource<DonationOutcome> Answer)> _queue = new();
        private int _inFlight;

        public Task<DonationOutcome> SubmitAsync(DonationRequest request)
        {
            var answer = new TaskCompletionSource<DonationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Enqueue((request, answer));
            Pump();
            return answer.Task;
        }

        private void Pump()
        {
            while (!_queue.IsEmpty)
            {
                var inFlight = Volatile.Read(ref _inFlight);
                if (inFlight >= MaxCallsInFlight)
                {
                    return; // a call in flight pumps again when it returns
                }
                if (Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight) != inFlight)
                {
                    continue;
                }
                var call = new List<(DonationRequest Request, TaskCompletionSource<DonationOutcome> Answer)>();
                while (call.Count < MaxCallSize && _queue.TryDequeue(out var item))
                {
                    call.Add(item);
                }
                if (call.Count == 0)
                {
                    Interlocked.Decrement(ref _inFlight);
                    continue;
                }
                _ = SendAsync(call);
            }
        }

        private async Task SendAsync(List<(DonationRequest Request, TaskCompletionSource<DonationOutcome> Answer)> call)
        {
            try
            {
                CharityDayTelemetry.CoalescedBatchSize.Record(call.Count, new KeyValuePair<string, object?>("campaign", campaignId));
                var outcomes = await writer.Donate([.. call.Select(c => c.Request)]);
                for (var i = 0; i < call.Count; i++)
                {
                    call[i].Answer.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var (_, answer) in call)
                {
                    answer.TrySetException(e);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                Pump();
            }
        }
    }
}
