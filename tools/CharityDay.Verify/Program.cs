using CharityDay.Verify;

// dotnet run --project tools/CharityDay.Verify -- URL CAMPAIGN [receipts.jsonl…]
if (args.Length < 2 || args.Any(a => a is "-h" or "--help"))
{
    Console.Error.WriteLine("usage: CharityDay.Verify URL CAMPAIGN [receipts.jsonl…]");
    Console.Error.WriteLine("  downloads the campaign's checkpoints from URL, checks their hash chain, and checks every receipt");
    Console.Error.WriteLine("  (one JSON object per line, as GET /v1/donations/{id}/receipt answers) against the published roots.");
    Console.Error.WriteLine("  exit 0: all hold; 1: a checkpoint or receipt fails (named); 2: usage, network or file error.");
    return 2;
}
using var http = new HttpClient { BaseAddress = new Uri(args[0].TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
try
{
    return await Verifier.RunAsync(http, args[1], args[2..], Console.Out);
}
catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or System.Text.Json.JsonException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
