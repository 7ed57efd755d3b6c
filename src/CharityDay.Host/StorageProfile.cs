using CharityDay.Grains;
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

    public static string SqlitePath(CharityDayOptions options) => Path.GetFullPath(Path.Combine(options.DataDir, "charityday.db"));

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
        var connectionString = SqliteLedgerStore.ConnectionStringFor(SqlitePath(options));
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
            var connectionString = PostgresConnectionString(configuration);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = connectionString;
            });
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            // A dead silo's grains (a campaign's write path among them) come back elsewhere only
            // after the cluster declares it dead: detect in seconds, not the default tens of seconds.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(2);
                membership.NumMissedProbesLimit = 2;
            });
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = connectionString;
            });
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.AddAdoNetGrainStorage(GrainStorage.Name, o =>
            {
                o.Invariant = SqliteInvariant;
                o.ConnectionString = SqliteLedgerStore.ConnectionStringFor(SqlitePath(options));
            });
        }
    }

    /// <summary>Redis (optional, ConnectionStrings__Redis): partner rate limits shared by every silo.</summary>
    public static void AddSharedRateLimits(IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Redis") is not { Length: > 0 } redis)
        {
            return;
        }
        var redisOptions = ConfigurationOptions.Parse(redis);
        // Start even while Redis is away; calls then fail (503) until it is back.
        redisOptions.AbortOnConnectFail = false;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        services.AddSingleton<ClusterRateWindow>();
    }

    public static void AddLedger(IServiceCollection services, CharityDayOptions options, IConfiguration configuration)
    {
        if (options.IsProduction)
        {
            var dataSource = new NpgsqlDataSourceBuilder(PostgresConnectionString(configuration)).Build();
            services.AddSingleton(dataSource);
            services.AddSingleton<ILedgerStore>(new PostgresLedgerStore(dataSource));
        }
        else
        {
            services.AddSingleton<ILedgerStore>(new SqliteLedgerStore(SqliteLedgerStore.ConnectionStringFor(SqlitePath(options))));
        }
    }
}
