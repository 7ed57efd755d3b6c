using CharityDay.Domain.Matching;

namespace CharityDay.Domain.Tests.Matching.Simulation;

/// <summary>
/// Each answer is checked against the ledger and the model, and acknowledged work — a pool
/// change, a refund, a clawback — is applied to the model then, never before.
/// </summary>
internal sealed partial class SimulationRun
{
    private void Handle(Answer answer)
    {
        if (!_waiting.Remove(answer.CallId, out var request))
        {
            throw SimulationCheckException.Of($"answer {answer}", "a caller waiting for it", "nobody (answered twice, or never asked)");
        }
        switch (answer, request)
        {
            case (DonationAnswer a, DonationRequest r):
                DonationAnswered(a, r);
                break;
            case (AdminAnswer a, PoolChangeRequest r):
                if (a.Result != AdminResult.Applied)
                {
                    throw SimulationCheckException.Of($"PATCH #{r.CallId}", AdminResult.Applied, a.Result);
                }
                _model.SetPool(r.Rules);
                _liveChanges.TakesEffect(r.Rules, _step, $"PATCH #{r.CallId} acknowledged");
                break;
            case (AdminAnswer a, RefundRequest r):
                RefundAnswered(a, r);
                break;
            case (AdminAnswer a, ClawbackRequest r):
                ClawbackAnswered(a, r);
                break;
            default:
                throw SimulationCheckException.Of($"answer to {request}", "an answer of its kind", answer);
        }
    }

    private void DonationAnswered(DonationAnswer answer, DonationRequest request)
    {
        var stored = Ledger.Find(request.Key);
        switch (answer.Result)
        {
            case DonationResult.Created or DonationResult.Replayed:
                if (stored is null || !request.SamePayload(stored) || answer.Donation is not { } told
                    || !told.Matches.Select(Told).SequenceEqual(stored.Matches.Select(Told)))
                {
                    throw SimulationCheckException.Of($"{answer.Result} {request}", $"what the ledger holds: {stored}", answer.Donation);
                }
                if (answer.Result == DonationResult.Created && !_created.Add(request.Key))
                {
                    throw SimulationCheckException.Of($"created {request}", "created once", "created again");
                }
                break;
            case DonationResult.Conflict:
                if (stored is not null && request.SamePayload(stored))
                {
                    throw SimulationCheckException.Of($"conflict for {request}", $"a different payload under the id", stored);
                }
                break;
            case DonationResult.Failed:
                // 503 means "nothing was recorded": a retry must not find a second donation.
                if (stored is not null)
                {
                    throw SimulationCheckException.Of($"failed {request}", "nothing in the ledger", stored);
                }
                Retryable.Add(request);
                break;
            case DonationResult.Overloaded:
                Retryable.Add(request);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(answer), answer, null);
        }
    }

    private void RefundAnswered(AdminAnswer answer, RefundRequest request)
    {
        var known = _model.Donations.Any(d => d.Key == request.Key);
        var refunded = _model.Refunded.Contains(request.Key);
        switch (answer.Result)
        {
            case AdminResult.Applied when known && !refunded:
                var live = _model.Matches.Where(m => m.Live && m.Donation == request.Key).ToList();
                SameReversals($"refund of {request.Key}", live.Select(m => m.ToRecord()), answer.Reversed);
                live.ForEach(m => m.Live = false);
                _model.Refunded.Add(request.Key);
                break;
            case AdminResult.NotFound when !known:
            case AdminResult.AlreadyRefunded when refunded:
            case AdminResult.Failed when request.WriteFails:
                break;
            default:
                throw SimulationCheckException.Of($"refund {request}", $"known {known}, refunded {refunded}, write fails {request.WriteFails}", answer);
        }
    }

    /// <summary>The book flags a bare donor id, so the model flags that id on every partner.</summary>
    private void ClawbackAnswered(AdminAnswer answer, ClawbackRequest request)
    {
        switch (answer.Result)
        {
            case AdminResult.Applied:
                var live = _model.Matches.Where(m => m.Live && m.PoolId == request.PoolId && m.Donor.DonorId == request.DonorId).ToList();
                SameReversals($"clawback of {request.DonorId} on {request.PoolId}", live.Select(m => m.ToRecord()), answer.Reversed);
                live.ForEach(m => m.Live = false);
                foreach (var partner in SimCampaign.Partners)
                {
                    _model.Flagged.Add((request.PoolId, new DonorKey(partner, request.DonorId)));
                }
                break;
            case AdminResult.Failed when request.WriteFails:
                break;
            default:
                throw SimulationCheckException.Of($"clawback {request}", request.WriteFails ? AdminResult.Failed : AdminResult.Applied, answer);
        }
    }

    private static void SameReversals(string what, IEnumerable<MatchRecord> expected, IReadOnlyList<MatchRecord> actual)
    {
        var want = expected.ToList();
        if (!want.SequenceEqual(actual))
        {
            throw SimulationCheckException.Of($"{what}: matches given back", string.Join(", ", want), string.Join(", ", actual));
        }
    }

    private static (string PoolId, long AmountFen, int RatioBps) Told(LedgerMatchRow match) => (match.PoolId, match.AmountFen, match.RatioBps);
}
