// Benchmark baselines (issue 5): the simplest correct donation write path, one transaction per donation.
//
//   dotnet CharityDay.Baselines.dll postgres "Host=127.0.0.1;Port=P;Username=postgres;Database=baseline"
//   dotnet CharityDay.Baselines.dll redis 127.0.0.1:P
//
// It serves the slice of SPEC §4 that load-tests/CharityDay.LoadTests needs, so the SAME load generator
// runs against it: the admin calls of the setup (campaign, projects, one pool, partner, key), single and
// batch donation posts, the donation lookup, and the campaign and pool reads of the verification.
// Auth is a stub: a partner key is "bl_<partnerId>", any other bearer is a manager.
using CharityDay.Baselines;
using Npgsql;
using StackExchange.Redis;

if (args.Length < 2 || args[0] is not ("postgres" or "redis"))
{
    Console.Error.WriteLine("usage: CharityDay.Baselines postgres CONNECTION_STRING | redis HOST:PORT");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args.Skip(2).ToArray());
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, Wire.Default));
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5090");
}

var catalog = new Catalog();
IStore store;
if (args[0] == "postgres")
{
    var csb = new NpgsqlConnectionStringBuilder(args[1]) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 };
    if (csb.MaxPoolSize == 100)
    {
        csb.MaxPoolSize = 64;
    }

    store = new PostgresStore(NpgsqlDataSource.Create(csb.ConnectionString));
}
else
{
    store = new RedisStore(await ConnectionMultiplexer.ConnectAsync(args[1]), catalog);
}

await store.InitAsync();
var app = builder.Build();
var sequential = args[0] == "postgres";

app.MapGet("/health/ready", () => "ok");
app.MapGet("/health/live", () => "ok");

app.MapPut("/v1/admin/campaigns/{id}", (string id, CampaignIn body) => TypedResults.Ok(new Ok(true)));
app.MapPut("/v1/admin/partners/{id}", (string id) => TypedResults.Ok(new Ok(true)));
app.MapPost("/v1/admin/keys", (KeyIn body) =>
    TypedResults.Json(new KeyOut("bl-" + body.PartnerId, "bl_" + body.PartnerId, body.Role ?? "partner", body.PartnerId), Wire.Default.KeyOut, statusCode: 201));
app.MapPut("/v1/admin/projects/{id}", IResult (string id, ProjectIn body) =>
{
    if (string.IsNullOrEmpty(body.CampaignId))
    {
        return Problem(400, "invalid", "campaignId is required");
    }

    catalog.CampaignOfProject[id] = body.CampaignId;
    return TypedResults.Ok(new Ok(true));
});
app.MapPut("/v1/admin/pools/{id}", async Task<IResult> (string id, PoolIn body) =>
{
    if (string.IsNullOrEmpty(body.CampaignId) || body.Budget is not >= 0)
    {
        return Problem(400, "invalid", "campaignId and budget are required");
    }

    await store.PutPoolAsync(id, body.CampaignId, body);
    catalog.AddPool(id, body.CampaignId);
    return TypedResults.Ok(await store.GetPoolAsync(id));
});
app.MapPatch("/v1/admin/pools/{id}", async Task<IResult> (string id, PoolIn body) =>
    await store.PatchPoolAsync(id, body) is { } pool ? TypedResults.Ok(pool) : Problem(404, "not-found", $"pool {id}"));
app.MapGet("/v1/admin/pools/{id}", async Task<IResult> (string id) =>
    await store.GetPoolAsync(id) is { } pool ? TypedResults.Ok(pool) : Problem(404, "not-found", $"pool {id}"));
app.MapGet("/v1/campaigns/{id}", async (string id) => TypedResults.Ok(await store.GetCampaignAsync(id)));

app.MapPost("/v1/donations", async Task<IResult> (HttpContext http, DonationIn body) =>
{
    if (Partner(http) is not { } partnerId)
    {
        return Problem(401, "unauthorized", "partner key required");
    }

    var (status, donation, problem) = await DonateAsync(partnerId, body);
    return donation is not null ? TypedResults.Json(donation, Wire.Default.DonationOut, statusCode: status) : Problem(status, problem!.Type, problem.Detail);
});
app.MapPost("/v1/donations/batch", async Task<IResult> (HttpContext http, BatchIn body) =>
{
    if (Partner(http) is not { } partnerId)
    {
        return Problem(401, "unauthorized", "partner key required");
    }

    var items = body.Donations ?? [];
    if (items.Count is 0 or > 1000)
    {
        return Problem(400, "invalid", "donations must have 1-1000 items");
    }

    var results = new BatchItemOut[items.Count];
    if (sequential)
    {
        // PostgreSQL: the items one after the other, each in its own transaction, on one connection at a time.
        // Once the client has gone (timeout) the rest is not started: nobody would see the answers.
        for (var i = 0; i < items.Count; i++)
        {
            var (status, donation, problem) = http.RequestAborted.IsCancellationRequested
                ? (503, null, new Problem("unavailable", "The client went away.", 503, null))
                : await DonateAsync(partnerId, items[i]);
            results[i] = new BatchItemOut(i, status, donation, problem);
        }
    }
    else
    {
        // Redis: every item's script is sent at once (the client pipelines them on its one connection).
        await Task.WhenAll(items.Select(async (item, i) =>
        {
            var (status, donation, problem) = await DonateAsync(partnerId, item);
            results[i] = new BatchItemOut(i, status, donation, problem);
        }));
    }

    return TypedResults.Ok(new BatchOut(results));
});
app.MapGet("/v1/donations/{id}", async Task<IResult> (HttpContext http, string id) =>
{
    if (Partner(http) is not { } partnerId)
    {
        return Problem(401, "unauthorized", "partner key required");
    }

    return await store.GetDonationAsync(partnerId, id) is { } d ? TypedResults.Ok(d) : Problem(404, "not-found", $"donation {id}");
});

await app.RunAsync();
return 0;

async Task<(int Status, DonationOut? Donation, Problem? Problem)> DonateAsync(string partnerId, DonationIn d)
{
    if (!ValidId(d.DonationId) || !ValidId(d.ProjectId) || !ValidId(d.MerchantId ?? d.DonorId) || (d.MerchantId is not null && (d.DonorId is not null || d.OrderCount is not (>= 1 and <= 1_000_000))))
    {
        return (400, null, new Problem("invalid", "Invalid field.", 400, "donationId, projectId and donorId (or merchantId and orderCount) are required ids"));
    }

    if (d.Amount is not (>= 1 and <= 100_000_000))
    {
        return (400, null, new Problem("invalid", "Invalid field.", 400, "amount must be 1-100000000 fen"));
    }

    if (d.Currency is not (null or "CNY"))
    {
        return (422, null, new Problem("unsupported-currency", "Unsupported currency.", 422, "CNY only"));
    }

    if (!catalog.CampaignOfProject.TryGetValue(d.ProjectId!, out var campaignId))
    {
        return (404, null, new Problem("not-found", "Not found.", 404, $"project {d.ProjectId}"));
    }

    var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    var result = await store.DonateAsync(new Donation(partnerId, d.DonationId!, campaignId, d.ProjectId!, d.Donor!, d.Amount.Value, now));
    return result.Kind switch
    {
        DonateKind.Created => (201, result.Donation, null),
        DonateKind.Replayed => (200, result.Donation, null),
        _ => (409, null, new Problem("idempotency-conflict", "A different donation with this donationId exists.", 409, d.DonationId)),
    };
}

static bool ValidId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 128;

static string? Partner(HttpContext http)
{
    var header = http.Request.Headers.Authorization.ToString();
    return header.StartsWith("Bearer bl_", StringComparison.Ordinal) && header.Length > "Bearer bl_".Length ? header["Bearer bl_".Length..] : null;
}

static IResult Problem(int status, string type, string? detail) =>
    TypedResults.Json(new Problem(type, type, status, detail), Wire.Default.Problem, "application/problem+json", status);
