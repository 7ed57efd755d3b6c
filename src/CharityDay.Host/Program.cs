using CharityDay.Api;
using CharityDay.Grains.Campaigns;
using CharityDay.Grains.Telemetry;
using CharityDay.Host;
using CharityDay.ServiceDefaults;

string[] verbs = ["migrate", "verify-sums", "audit-verify", "ledger-verify"];
var verb = verbs.Contains(args.FirstOrDefault()) ? args[0] : null;
// The content root is where the host's own files are (appsettings.json beside the dll), not the
// directory it was started from: `dotnet run --project src/CharityDay.Host` from the repository root
// reads the same settings as a published host. Relative data paths (DataDir) still follow the
// working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = verb is null ? args : args.Skip(1).Where(a => a.StartsWith('-')).ToArray(),
    ContentRootPath = AppContext.BaseDirectory,
});
var options = builder.Configuration.GetSection(CharityDayOptions.Section).Get<CharityDayOptions>() ?? new CharityDayOptions();

if (verb == "verify-sums")
{
    return await VerifySums.RunAsync(options, builder.Configuration, [.. args.Skip(1).Where(a => !a.StartsWith('-'))]);
}

if (verb == "audit-verify")
{
    return await AuditVerify.RunAsync(StorageProfile.OpenLedger(options, builder.Configuration));
}

if (verb == "ledger-verify")
{
    return await LedgerVerify.RunAsync(StorageProfile.OpenLedger(options, builder.Configuration), [.. args.Skip(1).Where(a => !a.StartsWith('-'))]);
}

if (verb == "migrate")
{
    var applied = await StorageProfile.MigrateAsync(options, builder.Configuration);
    Console.WriteLine($"CharityDay: {applied} migration(s) applied ({(options.IsProduction ? "PostgreSQL" : "SQLite")}); the schema is up to date.");
    return 0;
}

BootstrapKey.Validate(options);

// The embedded profile owns its file and always migrates; a production silo only when told to.
if (!options.IsProduction || options.MigrateOnStart)
{
    await StorageProfile.MigrateAsync(options, builder.Configuration);
}

builder.ListenOnCharityDayUrls("http://127.0.0.1:5080");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024);

builder.AddCharityDayDefaults();
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Warning);
builder.Logging.DropWatchdogStartRace();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SiloStartup>();
builder.Services.AddOptions<CampaignWriteOptions>()
    .Configure(o =>
    {
        o.MaxPendingDonations = options.MaxPendingDonations;
        o.DonorsKept = options.DonorsKept;
    })
    .Validate(o => o.MaxPendingDonations >= CampaignWriteOptions.MinPendingDonations,
        $"CharityDay:MaxPendingDonations must be at least {CampaignWriteOptions.MinPendingDonations} (the largest batch)")
    .Validate(o => o.DonorsKept >= CampaignWriteOptions.MinDonorsKept,
        $"CharityDay:DonorsKept must be at least {CampaignWriteOptions.MinDonorsKept}")
    .ValidateOnStart();
StorageProfile.AddLedger(builder.Services, options, builder.Configuration);
builder.Services.AddLedgerProof(builder.Configuration);
StorageProfile.AddPartnerRateLimits(builder.Services, options, builder.Configuration);
builder.Services.AddCharityDayApi(builder.Configuration);
builder.Services.AddHealthChecks()
    .AddCheck<ReadinessCheck>("storage-and-cluster", tags: [ServiceDefaults.ReadyTag])
    .AddCheck<StartupCheck>("silo-started", tags: [ServiceDefaults.StartupTag]);
builder.UseOrleans(silo =>
{
    StorageProfile.ConfigureSilo(silo, options, builder.Configuration);
    silo.AddCharityDayGrainTelemetry();
    silo.AddIncomingGrainCallFilter<CharityDay.Grains.Catalog.UnknownIdDeactivation>();
    silo.AddIncomingGrainCallFilter<CharityDay.Grains.StorageFaultTranslation>();
    silo.UseKubernetesHostingInPod(options);
});

var app = builder.Build();
app.MapCharityDayDefaults();
app.MapCharityDayApi();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CharityDay.Host");
    try
    {
        BootstrapKey.EnsureAsync(app.Services.GetRequiredService<IGrainFactory>(), options, TimeProvider.System, logger).GetAwaiter().GetResult();
        // The silo's copies of the catalog and of the key ids are loaded now, so the directory grains
        // are active before any request: an unknown id or key later never is what activates one.
        app.Services.GetRequiredService<CharityDay.Api.ReadSide.CatalogReplica>().LoadAllAsync().GetAwaiter().GetResult();
        // The silo's admin-read worker too, so the first admin read does not pay for (or count as) an activation.
        app.Services.GetRequiredService<IGrainFactory>().GetGrain<CharityDay.Contracts.IAdminReadGrain>(0).AuditHead().GetAwaiter().GetResult();
        app.Services.GetRequiredService<CharityDay.Api.ReadSide.KeyReplica>().LoadAsync().GetAwaiter().GetResult();
    }
    catch (Exception e)
    {
        logger.LogError(e, "Could not check for a manager key");
    }
    app.Services.GetRequiredService<SiloStartup>().Started = true;
    foreach (var line in StartupBanner.Lines(app.Urls, options, app.Configuration))
    {
        Console.WriteLine(line);
    }
});

await app.RunAsync();
return 0;

/// <summary>Lets tests start the real host in process.</summary>
public partial class Program;
