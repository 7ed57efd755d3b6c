namespace CharityDay.Host;

/// <summary>The "CharityDay" configuration section (appsettings, CharityDay__* environment, command line).</summary>
public sealed class CharityDayOptions
{
    public const string Section = "CharityDay";
    public const string EmbeddedProfile = "Embedded";
    public const string ProductionProfile = "Production";

    /// <summary>Embedded (default: one silo, SQLite under DataDir) or Production (PostgreSQL cluster).</summary>
    public string Profile { get; set; } = EmbeddedProfile;

    /// <summary>The embedded profile's data directory.</summary>
    public string DataDir { get; set; } = "./data";

    public string? BootstrapManagerKey { get; set; }

    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The Orleans client gateway's port; 0 (the default) leaves the gateway closed. Nothing in this
    /// project connects as an external Orleans client (the API runs inside the silo): set it only for
    /// a tool of your own that needs one (SiloNetwork).
    /// </summary>
    public int GatewayPort { get; set; }

    /// <summary>Production: a PFX file (with its private key) every silo presents to the others; set, silo-to-silo traffic is mutual TLS pinned to it.</summary>
    public string? SiloTlsCertificate { get; set; }

    public string? SiloTlsCertificatePassword { get; set; }

    public string ClusterId { get; set; } = "charityday";

    /// <summary>Pinned: ADO.NET grain storage keys rows by ServiceId, so changing it hides all state.</summary>
    public string ServiceId { get; set; } = "charityday";

    /// <summary>Production: apply migrations before the silo starts (safe from several silos at once).</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>Donations a campaign queues for its next commits before it sheds load with 429 (at least 1,000).</summary>
    public int MaxPendingDonations { get; set; } = new Grains.Campaigns.CampaignWriteOptions().MaxPendingDonations;

    /// <summary>Donors whose day each campaign's matching book keeps in memory (CharityDay__DonorsKept).</summary>
    public int DonorsKept { get; set; } = new Grains.Campaigns.CampaignWriteOptions().DonorsKept;

    /// <summary>
    /// Donations per second for a partner without its own <c>rateLimit</c> (CharityDay__DefaultPartnerRateLimit;
    /// a batch of N counts N). See <see cref="Api.Partners.PartnerRateLimitOptions.DefaultLimit"/> for the choice.
    /// </summary>
    public int DefaultPartnerRateLimit { get; set; } = Api.Partners.PartnerRateLimitOptions.DefaultLimit;

    /// <summary>Production: how long a donation waits for Redis before its silo decides the rate limit alone (CharityDay__RateLimitRedisTimeoutMs).</summary>
    public int RateLimitRedisTimeoutMs { get; set; } = new Api.Partners.PartnerRateLimitOptions().RedisTimeoutMs;

    public bool IsProduction => string.Equals(Profile, ProductionProfile, StringComparison.OrdinalIgnoreCase);
}
