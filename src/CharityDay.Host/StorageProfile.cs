using CharityDay.Grains;
using CharityDay.Host.Resilience;
using CharityDay.Storage.Ledger;
using CharityDay.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;
using CharityDay.Api.Partners;
using Orleans.Configuration;
using StackExchange.Redis;

namespace CharityDay.Host;

/// <summary>
/// Picks where state lives. Both profiles use the same Orleans ADO.NET grain storage provider and
/// the same ledger code; only the database, the clustering and the migrations differ.
/// </summary>
public static class StorageProfile
{
    /// <summary>The only SQLite invariant Orleans' ADO.NET provider knows; it loads Microsoft.Data.Sqlite.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";
    public const string PostgresInvariant = "Npgsql";

    /// <summary>Embedded profile: the ledger (and, before grains.db existed, the grain state too).</summary>
    public static string SqlitePath(CharityDayOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "charityday.db"));

    /// <summary>
    /// Embedded profile: Orleans grain state (settings of campaigns, projects, pools, keys) in a file of
    /// its own. SQLite has one writer per file: sharing the ledger's, a pool change waited behind the
    /// donation commits, retrying on SQLite's busy handler (PATCH p99 of seconds under batch load).
    /// </summary>
    public static string GrainsSqlitePath(CharityDayOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "grains.db"));

    public static string PostgresConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException("the Production profile needs ConnectionStrings__Postgres (an Npgsql connection string)");

    /// <summary>Brings the schema up to date; returns how many migrations ran.</summary>
    public static async Task<int> MigrateAsync(CharityDayOptions options, IConfiguration configuration, CancellationToken ct = default)
    {
        if (options.IsProduction)
        {
            return await MigrationRunner.ApplyPostgresAsync(PostgresConnectionString(configuration), ct);
        }
        Directory.CreateDirectory(Path.GetFullPath(options.DataDir));
        var ledger = SqliteLedgerStore.ConnectionStringFor(SqlitePath(options));
        var grains = SqliteLedgerStore.ConnectionStringFor(GrainsSqlitePath(options));
        var applied = await MigrateSqliteFileAsync(ledger, ct) + await MigrateSqliteFileAsync(grains, ct);
        await MoveGrainStateAsync(grains, SqlitePath(options), ct);
        return applied;
    }

    /// <summary>Both files get the whole schema; each uses its part (the same scripts, one runner).</summary>
    private static async Task<int> MigrateSqliteFileAsync(string connectionString, CancellationToken ct)
    {
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            // WAL is a property of the file: set once, it holds for every later connection.
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteNonQueryAsync(ct);
        }
        return await MigrationRunner.ApplySqliteAsync(connectionString, ct);
    }

    /// <summary>
    /// A data directory from before grains.db kept the grain state in charityday.db: bring it over, once —
    /// only into an empty grains.db, so a copy interrupted by a crash is simply redone.
    /// </summary>
    private static async Task MoveGrainStateAsync(string grainsConnectionString, string ledgerPath, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(grainsConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "ATTACH DATABASE @ledger AS ledger; " +
            "INSERT INTO main.OrleansStorage SELECT * FROM ledger.OrleansStorage WHERE NOT EXISTS (SELECT 1 FROM main.OrleansStorage); " +
            "DETACH DATABASE ledger;";
        command.Parameters.AddWithValue("@ledger", ledgerPath);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static void ConfigureSilo(ISiloBuilder silo, CharityDayOptions options, IConfiguration configuration)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.AddActivityPropagation();
        if (options.IsProduction)
        {
            // Orleans opens its connections from the host's recovering pool (PostgresPools), not by
            // connection string: a pooled connection a database restart killed is replaced before use.
            silo.UseAdoNetClustering(builder => builder.Configure<PostgresPools>((o, pools) =>
            {
                o.Invariant = PostgresInvariant;
                o.DataSource = pools.Membership;
            }));
            SiloNetwork.ConfigureEndpoints(silo, options);
            // A dead silo's grains (a campaign's write path among them) come back elsewhere only
            // after the cluster declares it dead: detect in seconds, not the default tens of seconds.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(2);
                membership.NumMissedProbesLimit = 2;
            });
            silo.AddAdoNetGrainStorage(GrainStorage.Name, builder => builder.Configure<PostgresPools>((o, pools) =>
            {
                o.Invariant = PostgresInvariant;
                o.DataSource = pools.GrainState;
            }));
        }
        else
        {
            SiloNetwork.ConfigureEndpoints(silo, options);
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o =>
            {
                o.Invariant = SqliteInvariant;
                o.ConnectionString = SqliteLedgerStore.ConnectionStringFor(GrainsSqlitePath(options));
            });
        }
    }

    /// <summary>
    /// Partner rate limits (SPEC §4): the default limit, and Redis (optional, ConnectionStrings__Redis) to
    /// share each partner's limit across every silo. Redis is a soft dependency (SPEC §5): a silo starts
    /// while it is away, and its calls fail fast instead of queueing, so the limiter falls back to the
    /// silo's share at once (PartnerRateLimiter) and asks Redis again when the connection is back.
    /// </summary>
    public static void AddPartnerRateLimits(IServiceCollection services, CharityDayOptions options, IConfiguration configuration)
    {
        services.AddOptions<PartnerRateLimitOptions>()
            .Configure(o =>
            {
                o.DefaultPerSecond = options.DefaultPartnerRateLimit;
                o.RedisTimeoutMs = options.RateLimitRedisTimeoutMs;
            })
            .Validate(o => o.IsValid(out _), $"CharityDay:DefaultPartnerRateLimit must be 1–{PartnerRateLimitOptions.MaxLimit} and " +
                $"CharityDay:RateLimitRedisTimeoutMs {PartnerRateLimitOptions.MinRedisTimeoutMs}–{PartnerRateLimitOptions.MaxRedisTimeoutMs}")
            .ValidateOnStart();
        services.AddSingleton<ILiveSiloCount, MembershipSiloCount>();
        if (configuration.GetConnectionString("Redis") is not { Length: > 0 } redis)
        {
            return;
        }
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false;
        // The default backlog holds commands while disconnected until they time out (seconds): each
        // donation would wait that long before falling back. Fail fast; the limiter decides locally.
        redisOptions.BacklogPolicy = BacklogPolicy.FailFast;
        // Reconnect every half second rather than backing off exponentially to tens of seconds: shared
        // counting should resume soon after Redis does.
        redisOptions.ReconnectRetryPolicy = new LinearRetry(500);
        // A call the limiter gave up on (RateLimitRedisTimeoutMs) need not stay pending for long.
        redisOptions.AsyncTimeout = Math.Min(redisOptions.AsyncTimeout, 1_000);
        redisOptions.ConnectTimeout = Math.Min(redisOptions.ConnectTimeout, 2_000);
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        services.AddSingleton<ISharedRateWindow, ClusterRateWindow>();
        services.AddHostedService<RateLimitWarmup>();
    }

    /// <summary>The ledger alone, outside the host (the maintenance verbs).</summary>
    public static SqlLedgerStore OpenLedger(CharityDayOptions options, IConfiguration configuration) =>
        options.IsProduction
            ? new PostgresLedgerStore(new NpgsqlDataSourceBuilder(PostgresConnectionString(configuration)).Build())
            : new SqliteLedgerStore(SqliteLedgerStore.ConnectionStringFor(SqlitePath(options)));

    public static void AddLedger(IServiceCollection services, CharityDayOptions options, IConfiguration configuration)
    {
        if (options.IsProduction)
        {
            var connectionString = PostgresConnectionString(configuration);
            services.AddSingleton<StorageObserver>();
            services.AddSingleton(sp => new PostgresPools(connectionString, sp.GetRequiredService<StorageObserver>()));
            services.AddSingleton(sp => new PostgresLedgerStore(sp.GetRequiredService<PostgresPools>().Ledger));
            services.AddSingleton(sp => ObservedLedgerStore.Wrap(sp.GetRequiredService<PostgresLedgerStore>(), sp.GetRequiredService<StorageObserver>()));
            services.AddSingleton(sp => ObservedLedgerStore.WrapAdmin(sp.GetRequiredService<PostgresLedgerStore>(), sp.GetRequiredService<StorageObserver>()));
            services.AddSingleton<CharityDay.Domain.Transparency.ILedgerReads>(sp => sp.GetRequiredService<PostgresLedgerStore>());
        }
        else
        {
            var connectionString = SqliteLedgerStore.ConnectionStringFor(SqlitePath(options));
            var store = new SqliteLedgerStore(connectionString);
            services.AddSingleton<ILedgerStore>(store);
            services.AddSingleton<IAdminStore>(store);
            services.AddSingleton<CharityDay.Domain.Transparency.ILedgerReads>(store);
            services.AddHostedService(sp => new SqliteWalCheckpointer(connectionString, sp.GetRequiredService<ILogger<SqliteWalCheckpointer>>()));
        }
    }
}
