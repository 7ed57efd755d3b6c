using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CharityDay.Domain.Transparency;
using CharityDay.Integration.Tests.Donations;
using CharityDay.Integration.Tests.Infrastructure;
using CharityDay.Integration.Tests.Public;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>
/// SPEC §6 end to end on a deployment sealing every second: donations, refunds and a clawback become
/// events 1…n; the published checkpoints chain, cover every event exactly once, and every donation's
/// receipt verifies against its checkpoint's root from the event alone — checked here with the domain
/// code and by the verifier tool as a separate process, which also names a receipt that was changed.
/// </summary>
public abstract class SealingTestBase<TDeployment>(TDeployment deployment) : IAsyncLifetime where TDeployment : Deployment
{
    public const string FastSealing = "1";

    protected TDeployment Deployment { get; } = deployment;

    public Task InitializeAsync() => Deployment.InitializeAsync();

    public Task DisposeAsync() => Deployment.DisposeAsync();

    [Fact]
    public async Task Every_receipt_verifies_against_its_checkpoint_and_the_checkpoints_cover_every_event_once()
    {
        var api = Deployment.Api();
        var scene = await Scene.CreateAsync(api, projects: 2);
        var pool = await scene.PoolAsync(new() { ["budget"] = 5_000L, ["ratioBps"] = 10_000 });
        var answers = new Dictionary<string, (string DonorId, JsonNode Answer)>();
        for (var i = 0; i < 30; i++)
        {
            var donor = $"u{i % 6}";
            var answer = await scene.DonateNewAsync(donor, 100 + i, projectId: scene.Projects[i % 2]);
            answers[answer["donationId"].GetValue<string>()] = (donor, answer.Json!);
        }
        var batch = await api.PostBatchAsync(scene.Key, new
        {
            // Every fifteenth a merchant gift (SPEC §7): its event names the merchant and its orders instead of a donorHash.
            donations = Enumerable.Range(0, 120).Select(i => i % 15 == 4
                ? (object)new { donationId = $"b-{i}", projectId = scene.Projects[i % 2], merchantId = $"shop-{i % 3}", orderCount = i + 1, amount = 50L + i }
                : new { donationId = $"b-{i}", projectId = scene.Projects[i % 2], donorId = $"v{i % 10}", amount = 50L + i }).ToArray(),
        });
        ApiClient.Ensure(batch, 200);
        foreach (var item in batch["results"].AsArray())
        {
            Assert.Equal(201, item!["status"]!.GetValue<int>());
            answers[item["donation"]!["donationId"]!.GetValue<string>()] = ($"v{item["index"]!.GetValue<int>() % 10}", item["donation"]!);
        }
        var refunded = answers.Keys.Order(StringComparer.Ordinal).Take(4).ToList();
        foreach (var id in refunded)
        {
            ApiClient.Ensure(await api.RefundAsync(scene.Key, id), 200);
        }
        var clawback = await api.ClawbackAsync(pool, "u1");
        ApiClient.Ensure(clawback, 200);
        var expectedEvents = answers.Count + refunded.Count + (clawback.Long("matchesReversed") > 0 ? 1 : 0);

        var checkpoints = await LedgerProofClient.SealedThroughAsync(api, scene.CampaignId, expectedEvents, TimeSpan.FromSeconds(60));
        // Paged one at a time, the listing is the same chain.
        Assert.Equal(checkpoints, await LedgerProofClient.CheckpointsAsync(api, scene.CampaignId, pageSize: 1));
        Checkpoint? previous = null;
        foreach (var checkpoint in checkpoints)
        {
            Assert.Null(CheckpointChain.Follows(previous, checkpoint));
            previous = checkpoint;
        }
        // Events 1…n, each in exactly one checkpoint: the ranges tile the sequence without gap or overlap.
        Assert.Equal(expectedEvents, checkpoints.Sum(c => c.Count));
        Assert.Equal(expectedEvents, checkpoints[^1].LastEvent);
        var bySeq = checkpoints.ToDictionary(c => c.Seq);

        var scrapes = await SiloMetrics.ScrapeAllAsync(Deployment);
        var writerReadsBefore = SiloMetrics.WriterReads(scrapes, scene.CampaignId);
        // Every seal is counted (on the silo its sealer ran on).
        Assert.True(scrapes.SelectMany(s => s.Find("charityday_ledger_checkpoints_sealed_total", ("campaign", scene.CampaignId))).Sum(s => s.Value) >= checkpoints.Count,
            "charityday_ledger_checkpoints_sealed_total does not count the checkpoints sealed");
        var lines = new List<string>();
        var seqs = new HashSet<long>();
        foreach (var (donationId, (donorId, answer)) in answers)
        {
            var receipt = await api.SendAsync(HttpMethod.Get, $"/v1/donations/{donationId}/receipt", key: scene.Key);
            ApiClient.Ensure(receipt, 200);
            var evt = receipt["event"].AsObject();
            var checkpoint = bySeq[receipt.Long("checkpoint")];
            Assert.Null(Receipt.Check(evt, receipt["leafHash"].GetValue<string>(), receipt.Long("index"), receipt.Long("count"),
                [.. receipt["path"].AsArray().Select(p => p!.GetValue<string>())], checkpoint.Root));
            Assert.Equal((checkpoint.Root, checkpoint.Count), (receipt["root"].GetValue<string>(), receipt.Long("count")));
            Assert.Equal(checkpoint.FirstEvent + receipt.Long("index"), evt["seq"]!.GetValue<long>());
            Assert.True(seqs.Add(evt["seq"]!.GetValue<long>()), $"two donations share event {evt["seq"]}");
            // The event is the donation as the API answered it, with the donor as donorHash only.
            Assert.Equal("accepted", evt["type"]!.GetValue<string>());
            Assert.Equal((scene.CampaignId, scene.PartnerId, donationId), (evt["campaignId"]!.GetValue<string>(), evt["partnerId"]!.GetValue<string>(), evt["donationId"]!.GetValue<string>()));
            Assert.Equal(answer["projectId"]!.GetValue<string>(), evt["projectId"]!.GetValue<string>());
            Assert.Equal(answer["amount"]!.GetValue<long>(), evt["amount"]!.GetValue<long>());
            Assert.Equal(answer["acceptedAt"]!.GetValue<string>(), evt["acceptedAt"]!.GetValue<string>());
            Assert.Equal(
                string.Join(";", answer["matches"]!.AsArray().Select(m => $"{m!["poolId"]}:{m["amount"]}")),
                string.Join(";", evt["matches"]!.AsArray().Select(m => $"{m!["poolId"]}:{m["amount"]}")));
            if (answer["merchantId"] is { } merchantId)
            {
                Assert.Equal((merchantId.GetValue<string>(), answer["orderCount"]!.GetValue<long>()), (evt["merchantId"]!.GetValue<string>(), evt["orderCount"]!.GetValue<long>()));
                Assert.Null(evt["donorHash"]);
            }
            else
            {
                Assert.Null(evt["merchantId"]);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{scene.PartnerId}\n{donorId}"))), evt["donorHash"]!.GetValue<string>());
                Assert.Null(evt["donorId"]);
                Assert.DoesNotContain($"\"{donorId}\"", receipt.Body, StringComparison.Ordinal);
            }
            lines.Add(receipt.Body);
        }

        // Receipts and listings never reached the campaign's writer.
        Assert.Equal(writerReadsBefore, SiloMetrics.WriterReads(await SiloMetrics.ScrapeAllAsync(Deployment), scene.CampaignId));

        // The verifier tool, as a partner would run it over a day's receipts.
        var file = Path.Combine(Path.GetTempPath(), $"receipts-{Guid.NewGuid():N}.jsonl");
        var tampered = Path.Combine(Path.GetTempPath(), $"receipts-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllLinesAsync(file, lines);
            var (code, output) = await LedgerProofClient.RunVerifierAsync(Deployment.Hosts[0].BaseAddress, scene.CampaignId, file);
            Assert.True(code == 0, output);
            Assert.Contains($"{lines.Count} receipts verify", output, StringComparison.Ordinal);

            var changed = JsonNode.Parse(lines[7])!;
            changed["event"]!["amount"] = changed["event"]!["amount"]!.GetValue<long>() + 1;
            await File.WriteAllLinesAsync(tampered, [.. lines.Take(7), changed.ToJsonString(), .. lines.Skip(8)]);
            (code, output) = await LedgerProofClient.RunVerifierAsync(Deployment.Hosts[0].BaseAddress, scene.CampaignId, tampered);
            Assert.True(code == 1, output);
            Assert.Contains($"FAIL receipt {tampered}:8", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            File.Delete(tampered);
        }
    }
}

public sealed class EmbeddedSealingTests() : SealingTestBase<EmbeddedDeployment>(new EmbeddedDeployment
{
    Settings = new Dictionary<string, string> { ["CharityDay__CheckpointInterval"] = FastSealing },
});

public sealed class PostgresSealingTests() : SealingTestBase<PostgresClusterDeployment>(new PostgresClusterDeployment
{
    Settings = new Dictionary<string, string> { ["CharityDay__CheckpointInterval"] = FastSealing },
});
