using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CharityDay.Domain.Transparency;

namespace CharityDay.Verify;

/// <summary>
/// What anyone can check with nothing but the public API (SPEC §6): the campaign's checkpoints form one
/// hash chain from 32 zero bytes, and each receipt's event, hashed as a leaf and folded with its audit
/// path, gives the root of the published checkpoint it names.
/// </summary>
public static class Verifier
{
    private const int PageSize = 1000;

    public static async Task<int> RunAsync(HttpClient http, string campaignId, IReadOnlyList<string> receiptFiles, TextWriter output)
    {
        var checkpoints = await DownloadAsync(http, campaignId);
        Checkpoint? previous = null;
        foreach (var checkpoint in checkpoints)
        {
            if (CheckpointChain.Follows(previous, checkpoint) is { } reason)
            {
                output.WriteLine($"FAIL checkpoint {checkpoint.Seq}: {reason}");
                return 1;
            }
            previous = checkpoint;
        }
        output.WriteLine($"ok   campaign {campaignId}: {checkpoints.Count} checkpoints chain from the genesis hash, sealing events 1–{previous?.LastEvent ?? 0}; head {previous?.Hash ?? CheckpointChain.GenesisHash}");
        var bySeq = checkpoints.ToDictionary(c => c.Seq);
        var receipts = 0;
        foreach (var file in receiptFiles)
        {
            var line = 0;
            foreach (var text in await File.ReadAllLinesAsync(file))
            {
                line++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }
                var (name, failure) = CheckReceipt(text, campaignId, bySeq);
                if (failure is not null)
                {
                    output.WriteLine($"FAIL receipt {file}:{line} ({name}): {failure}");
                    return 1;
                }
                receipts++;
            }
        }
        if (receiptFiles.Count > 0)
        {
            output.WriteLine($"ok   {receipts} receipts verify against their checkpoints' roots");
        }
        return 0;
    }

    /// <summary>One receipt line: (a name for it, why it fails or null).</summary>
    public static (string Name, string? Failure) CheckReceipt(string line, string campaignId, IReadOnlyDictionary<long, Checkpoint> checkpoints)
    {
        JsonObject receipt;
        try
        {
            receipt = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            return ("?", $"not a JSON receipt: {e.Message}");
        }
        var evt = receipt["event"] as JsonObject;
        var name = evt?["donationId"] is JsonValue d ? $"donation {d}" : evt?["seq"] is JsonValue s ? $"event {s}" : "?";
        try
        {
            var checkpointSeq = receipt["checkpoint"]!.GetValue<long>();
            var index = receipt["index"]!.GetValue<long>();
            var count = receipt["count"]!.GetValue<long>();
            var path = receipt["path"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
            if (evt?["campaignId"]?.GetValue<string>() != campaignId)
            {
                return (name, $"the event is not campaign {campaignId}'s");
            }
            if (!checkpoints.TryGetValue(checkpointSeq, out var checkpoint))
            {
                return (name, $"checkpoint {checkpointSeq} is not among the campaign's published checkpoints");
            }
            if (receipt["root"]?.GetValue<string>() != checkpoint.Root || count != checkpoint.Count)
            {
                return (name, $"the receipt's root or count is not checkpoint {checkpointSeq}'s");
            }
            if (evt["seq"]?.GetValue<long>() is not { } seq || seq != checkpoint.FirstEvent + index)
            {
                return (name, $"the event's seq is not at index {index} of checkpoint {checkpointSeq} (events {checkpoint.FirstEvent}–{checkpoint.LastEvent})");
            }
            return (name, Receipt.Check(evt, receipt["leafHash"]?.GetValue<string>(), index, count, path, checkpoint.Root));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            return (name, $"a field is missing or has the wrong type: {e.Message}");
        }
    }

    public static async Task<List<Checkpoint>> DownloadAsync(HttpClient http, string campaignId)
    {
        var all = new List<Checkpoint>();
        string? after = null;
        do
        {
            var uri = $"v1/campaigns/{Uri.EscapeDataString(campaignId)}/checkpoints?limit={PageSize}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            using var response = await http.GetAsync(uri);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            foreach (var item in page["items"]!.AsArray())
            {
                all.Add(new Checkpoint(
                    item!["seq"]!.GetValue<long>(), item["firstEvent"]!.GetValue<long>(), item["lastEvent"]!.GetValue<long>(), item["count"]!.GetValue<long>(),
                    item["root"]!.GetValue<string>(), item["prevHash"]!.GetValue<string>(), item["hash"]!.GetValue<string>(),
                    DateTimeOffset.Parse(item["sealedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
            }
            after = page["next"]?.GetValue<string>();
        }
        while (after is not null);
        return all;
    }
}
