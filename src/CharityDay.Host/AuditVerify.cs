using CharityDay.Domain.Audit;
using CharityDay.Storage.Ledger;

namespace CharityDay.Host;

/// <summary>
/// <c>CharityDay.Host audit-verify</c>: walks the audit chain in the database, recomputing every
/// entry's hash from its content and its predecessor's hash (SPEC §4). Exit code 0 when the chain is
/// whole and ends at the recorded head; 1 at the first entry that breaks it, named with its seq.
/// </summary>
public static class AuditVerify
{
    public static async Task<int> RunAsync(IAdminStore store)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await VerifyAsync(store);
        Console.WriteLine(result.Broken is { } seq
            ? $"FAIL audit entry {seq}: {result.Reason}"
            : $"ok   {result.Entries} audit entries chain from the genesis hash to the head");
        Console.WriteLine($"CharityDay: audit chain checked in {started.Elapsed.TotalSeconds:F1} s.");
        return result.Broken is null ? 0 : 1;
    }

    public sealed record Result(long Entries, long? Broken, string? Reason);

    public static async Task<Result> VerifyAsync(IAdminStore store)
    {
        var prevHash = AuditChain.GenesisHash;
        long expectedSeq = 1, count = 0;
        await foreach (var entry in store.ReadAuditChainAsync())
        {
            if (entry.Seq != expectedSeq)
            {
                return new Result(count, entry.Seq, $"expected seq {expectedSeq}: an entry is missing");
            }
            if (entry.PrevHash != prevHash)
            {
                return new Result(count, entry.Seq, "prevHash is not the previous entry's hash");
            }
            if (AuditChain.Hash(entry) != entry.Hash)
            {
                return new Result(count, entry.Seq, "hash does not match the entry's content");
            }
            prevHash = entry.Hash;
            expectedSeq++;
            count++;
        }
        var (headSeq, headHash) = await store.AuditHeadAsync();
        return headSeq == count && headHash == prevHash
            ? new Result(count, null, null)
            : new Result(count, headSeq, $"the head (seq {headSeq}) is not the chain's last entry (seq {count})");
    }
}
