using System.Data;
using System.Data.Common;
using System.Globalization;

namespace CharityDay.Storage.Tests.Migrations;

// This test project does not reference Orleans, so these classes replay what the Orleans 10.4.2
// ADO.NET providers do with the OrleansQuery rows, as read from the provider assemblies:
// the same initialisation queries and required keys, the same parameter names and DbTypes
// (Orleans' DbExtensions.CreateParameter picks the DbType from the CLR type: int -> Int32,
// long -> Int64, string -> String, byte[] -> Binary, DateTime -> DateTime, addresses -> AnsiString),
// the same way of reading results (all result sets, then SingleOrDefault / First) and the same
// version-conflict rule. If a migration breaks the contract, these tests break the same way the
// silo would.

/// <summary>Thrown where Orleans throws InconsistentStateException.</summary>
internal sealed class VersionConflictException(string message) : Exception(message);

internal sealed record GrainKey(int IdHash, long N0, long N1, int TypeHash, string Type, string? Extension, string ServiceId);

/// <summary>Replays Orleans.Storage.AdoNetGrainStorage (Orleans.Persistence.AdoNet 10.4.2).</summary>
internal sealed class GrainStorageEmulator
{
    // Verbatim from AdoNetGrainStorage.DefaultInitializationQuery.
    private const string InitializationQuery =
        "SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey' OR QueryKey = 'ReadFromStorageKey' OR QueryKey = 'ClearStorageKey' OR QueryKey = 'DeleteStorageKey'";

    private readonly Func<DbConnection> _connect;
    private readonly Dictionary<string, string> _queries;

    private GrainStorageEmulator(Func<DbConnection> connect, Dictionary<string, string> queries)
    {
        _connect = connect;
        _queries = queries;
    }

    public static async Task<GrainStorageEmulator> InitAsync(Func<DbConnection> connect)
    {
        var queries = new Dictionary<string, string>();
        await using var connection = connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = InitializationQuery;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries.Add((string)reader.GetValue(reader.GetOrdinal("QueryKey")), (string)reader.GetValue(reader.GetOrdinal("QueryText")));
        }

        // The provider calls Single() on these three; DeleteStorageKey is needed for DeleteStateOnClear.
        foreach (var key in new[] { "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey" })
        {
            if (!queries.ContainsKey(key))
            {
                throw new InvalidOperationException($"OrleansQuery lacks {key}");
            }
        }

        return new GrainStorageEmulator(connect, queries);
    }

    /// <summary>Returns (state, ETag, RecordExists) as ReadStateAsync leaves them.</summary>
    public async Task<(byte[]? Payload, string? ETag, bool RecordExists)> ReadAsync(GrainKey key)
    {
        var rows = await QueryAsync(_queries["ReadFromStorageKey"], command => AddKey(command, key), record =>
        {
            var ordinal = record.GetOrdinal("PayloadBinary");
            var payload = record.IsDBNull(ordinal) ? null : (byte[])record.GetValue(ordinal);
            var version = NullableInt32(record, "Version");
            return (payload, version?.ToString(CultureInfo.InvariantCulture), payload is not null);
        });
        return rows.SingleOrDefault();
    }

    /// <summary>Returns the new ETag, or throws <see cref="VersionConflictException"/>.</summary>
    public async Task<string> WriteAsync(GrainKey key, string? etag, byte[] payload)
    {
        var rows = await QueryAsync(_queries["WriteToStorageKey"], command =>
        {
            AddKey(command, key);
            Add(command, "GrainStateVersion", ParseETag(etag), DbType.Int32);
            Add(command, "PayloadBinary", payload, DbType.Binary);
        }, record => NullableInt32(record, "NewGrainStateVersion").ToString());
        var version = rows.SingleOrDefault();
        CheckVersion("WriteState", version, etag);
        return version!;
    }

    /// <summary>ClearStateAsync with DeleteStateOnClear = false: returns the new ETag.</summary>
    public async Task<string> ClearAsync(GrainKey key, string? etag) =>
        await ClearOrDeleteAsync(_queries["ClearStorageKey"], key, etag);

    /// <summary>ClearStateAsync with DeleteStateOnClear = true: the grain's ETag becomes null.</summary>
    public async Task DeleteAsync(GrainKey key, string? etag) =>
        await ClearOrDeleteAsync(_queries["DeleteStorageKey"], key, etag);

    private async Task<string> ClearOrDeleteAsync(string query, GrainKey key, string? etag)
    {
        var rows = await QueryAsync(query, command =>
        {
            AddKey(command, key);
            Add(command, "GrainStateVersion", ParseETag(etag), DbType.Int32);
        }, record => record.GetValue(0).ToString());
        var version = rows.SingleOrDefault();
        CheckVersion("ClearState", version, etag);
        return version!;
    }

    // AdoNetGrainStorage.CheckVersionInconsistency.
    private static void CheckVersion(string operation, string? storageVersion, string? grainVersion)
    {
        if (storageVersion == grainVersion || storageVersion == string.Empty || (storageVersion is null && grainVersion is not null))
        {
            throw new VersionConflictException($"Version conflict ({operation}): ETag={grainVersion}, storage returned '{storageVersion}'");
        }
    }

    private static int? ParseETag(string? etag) =>
        string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    private static void AddKey(DbCommand command, GrainKey key)
    {
        Add(command, "GrainIdHash", key.IdHash, DbType.Int32);
        Add(command, "GrainIdN0", key.N0, DbType.Int64);
        Add(command, "GrainIdN1", key.N1, DbType.Int64);
        Add(command, "GrainTypeHash", key.TypeHash, DbType.Int32);
        Add(command, "GrainTypeString", key.Type, DbType.String);
        Add(command, "GrainIdExtensionString", key.Extension, DbType.String);
        Add(command, "ServiceId", key.ServiceId, DbType.String);
    }

    internal static void Add(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
    }

    internal static int? NullableInt32(IDataRecord record, string name)
    {
        var value = record.GetValue(record.GetOrdinal(name));
        return value == DBNull.Value ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private async Task<List<T>> QueryAsync<T>(string query, Action<DbCommand> parameters, Func<IDataRecord, T> selector)
    {
        await using var connection = _connect();
        await connection.OpenAsync();
        return await ReadAllResultSetsAsync(connection, query, parameters, selector);
    }

    // RelationalStorage.SelectAsync: every row of every result set.
    internal static async Task<List<T>> ReadAllResultSetsAsync<T>(DbConnection connection, string query, Action<DbCommand> parameters, Func<IDataRecord, T> selector)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync();
        var results = new List<T>();
        do
        {
            while (await reader.ReadAsync())
            {
                results.Add(selector(reader));
            }
        }
        while (await reader.NextResultAsync());

        return results;
    }
}

internal sealed record SiloRow(
    string Address, int Port, int Generation, string SiloName, string HostName, int Status, int ProxyPort,
    string? SuspectTimes, DateTime StartTime, DateTime IAmAliveTime);

/// <summary>Replays Orleans.Clustering.AdoNet 10.4.2 (RelationalOrleansQueries / DbStoredQueries).</summary>
internal sealed class MembershipEmulator
{
    // DbStoredQueries: every one of these must exist or the provider refuses to start.
    public static readonly string[] RequiredKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    private readonly Func<DbConnection> _connect;
    private readonly Dictionary<string, string> _queries;

    private MembershipEmulator(Func<DbConnection> connect, Dictionary<string, string> queries)
    {
        _connect = connect;
        _queries = queries;
    }

    public static async Task<MembershipEmulator> InitAsync(Func<DbConnection> connect)
    {
        await using var connection = connect();
        await connection.OpenAsync();
        var queries = (await GrainStorageEmulator.ReadAllResultSetsAsync(
                connection, "SELECT QueryKey, QueryText FROM OrleansQuery", _ => { },
                r => KeyValuePair.Create((string)r.GetValue(r.GetOrdinal("QueryKey")), (string)r.GetValue(r.GetOrdinal("QueryText")))))
            .ToDictionary();
        var missing = RequiredKeys.Except(queries.Keys).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException("Not all required queries found. Missing are: " + string.Join(",", missing));
        }

        return new MembershipEmulator(connect, queries);
    }

    public bool HasPerRowCleanup => _queries.ContainsKey("CleanupDefunctSiloEntryKey");

    public async Task<bool> InsertVersionAsync(string deploymentId) =>
        (await ReadAsync("InsertMembershipVersionKey", c => AddDeployment(c, deploymentId), SingleBoolean)).First();

    public async Task<bool> InsertAsync(string deploymentId, SiloRow row, string etag) =>
        (await ReadAsync("InsertMembershipKey", c =>
        {
            AddDeployment(c, deploymentId);
            Add(c, "IAmAliveTime", row.IAmAliveTime, DbType.DateTime);
            Add(c, "SiloName", row.SiloName, DbType.String);
            Add(c, "HostName", row.HostName, DbType.String);
            AddSilo(c, row);
            Add(c, "StartTime", row.StartTime, DbType.DateTime);
            Add(c, "Status", row.Status, DbType.Int32);
            Add(c, "ProxyPort", row.ProxyPort, DbType.Int32);
            Add(c, "Version", int.Parse(etag, CultureInfo.InvariantCulture), DbType.Int32);
        }, SingleBoolean)).First();

    public async Task<bool> UpdateAsync(string deploymentId, SiloRow row, string etag) =>
        (await ReadAsync("UpdateMembershipKey", c =>
        {
            AddDeployment(c, deploymentId);
            AddSilo(c, row);
            Add(c, "IAmAliveTime", row.IAmAliveTime, DbType.DateTime);
            Add(c, "Status", row.Status, DbType.Int32);
            Add(c, "SuspectTimes", row.SuspectTimes, DbType.String);
            Add(c, "Version", int.Parse(etag, CultureInfo.InvariantCulture), DbType.Int32);
        }, SingleBoolean)).First();

    public Task HeartbeatAsync(string deploymentId, SiloRow row, DateTime iAmAliveTime) =>
        ExecuteAsync("UpdateIAmAlivetimeKey", c =>
        {
            AddDeployment(c, deploymentId);
            AddSilo(c, row);
            Add(c, "IAmAliveTime", iAmAliveTime, DbType.DateTime);
        });

    public async Task<(List<SiloRow> Rows, string ETag)> ReadAllAsync(string deploymentId) =>
        ToTable(await ReadAsync("MembershipReadAllKey", c => AddDeployment(c, deploymentId), ReadEntry));

    public async Task<(List<SiloRow> Rows, string ETag)> ReadRowAsync(string deploymentId, SiloRow silo) =>
        ToTable(await ReadAsync("MembershipReadRowKey", c =>
        {
            AddDeployment(c, deploymentId);
            AddSilo(c, silo);
        }, ReadEntry));

    public async Task<List<string>> GatewaysAsync(string deploymentId) =>
        await ReadAsync("GatewaysQueryKey", c =>
        {
            AddDeployment(c, deploymentId);
            Add(c, "Status", 3, DbType.Int32);
        }, r => $"{r.GetValue(r.GetOrdinal("Address"))}:{r.GetInt32(r.GetOrdinal("ProxyPort"))}/{r.GetInt32(r.GetOrdinal("Generation"))}");

    /// <summary>CleanupDefunctSiloEntriesAsync as 10.4.2 does it when CleanupDefunctSiloEntryKey exists.</summary>
    public async Task CleanupAsync(string deploymentId, DateTime cutoff)
    {
        var (rows, _) = await ReadAllAsync(deploymentId);
        foreach (var row in rows.Where(r => r.Status == 6 && r.StartTime < cutoff && r.IAmAliveTime < cutoff))
        {
            await ExecuteAsync("CleanupDefunctSiloEntryKey", c =>
            {
                AddDeployment(c, deploymentId);
                AddSilo(c, row);
                Add(c, "SuspectTimes", row.SuspectTimes, DbType.String);
                Add(c, "StartTime", row.StartTime, DbType.DateTime);
                Add(c, "IAmAliveTime", row.IAmAliveTime, DbType.DateTime);
            });
        }
    }

    /// <summary>The bulk CleanupDefunctSiloEntriesKey, used by providers when the per-row query is absent.</summary>
    public Task BulkCleanupAsync(string deploymentId, DateTime cutoff) =>
        ExecuteAsync("CleanupDefunctSiloEntriesKey", c =>
        {
            AddDeployment(c, deploymentId);
            Add(c, "IAmAliveTime", cutoff, DbType.DateTime);
        });

    /// <summary>The per-row query with explicit captured values (for testing its guard).</summary>
    public Task CleanupRowAsync(string deploymentId, SiloRow captured) =>
        ExecuteAsync("CleanupDefunctSiloEntryKey", c =>
        {
            AddDeployment(c, deploymentId);
            AddSilo(c, captured);
            Add(c, "SuspectTimes", captured.SuspectTimes, DbType.String);
            Add(c, "StartTime", captured.StartTime, DbType.DateTime);
            Add(c, "IAmAliveTime", captured.IAmAliveTime, DbType.DateTime);
        });

    public Task DeleteAllAsync(string deploymentId) =>
        ExecuteAsync("DeleteMembershipTableEntriesKey", c => AddDeployment(c, deploymentId));

    private static (List<SiloRow> Rows, string ETag) ToTable(List<(SiloRow? Row, int Version)> rows) =>
        (rows.Where(r => r.Row is not null).Select(r => r.Row!).ToList(), rows[0].Version.ToString(CultureInfo.InvariantCulture));

    private static (SiloRow? Row, int Version) ReadEntry(IDataRecord r)
    {
        var version = Convert.ToInt32(r.GetValue(r.GetOrdinal("Version")), CultureInfo.InvariantCulture);
        var start = r.GetOrdinal("StartTime");
        if (r.IsDBNull(start))
        {
            return (null, version);
        }

        var suspect = r.GetOrdinal("SuspectTimes");
        return (new SiloRow(
            (string)r.GetValue(r.GetOrdinal("Address")),
            r.GetInt32(r.GetOrdinal("Port")),
            r.GetInt32(r.GetOrdinal("Generation")),
            (string)r.GetValue(r.GetOrdinal("SiloName")),
            (string)r.GetValue(r.GetOrdinal("HostName")),
            r.GetInt32(r.GetOrdinal("Status")),
            r.GetInt32(r.GetOrdinal("ProxyPort")),
            r.IsDBNull(suspect) ? null : (string)r.GetValue(suspect),
            DateTime.SpecifyKind(r.GetDateTime(start), DateTimeKind.Utc),
            DateTime.SpecifyKind(r.GetDateTime(r.GetOrdinal("IAmAliveTime")), DateTimeKind.Utc)), version);
    }

    private static bool SingleBoolean(IDataRecord record)
    {
        if (record.FieldCount != 1)
        {
            throw new InvalidOperationException("Expected a single column");
        }

        return Convert.ToBoolean(record.GetValue(0), CultureInfo.InvariantCulture);
    }

    private static void AddDeployment(DbCommand c, string deploymentId) => Add(c, "DeploymentId", deploymentId, DbType.String);

    private static void AddSilo(DbCommand c, SiloRow row)
    {
        Add(c, "Address", row.Address, DbType.AnsiString);
        Add(c, "Port", row.Port, DbType.Int32);
        Add(c, "Generation", row.Generation, DbType.Int32);
    }

    private static void Add(DbCommand c, string name, object? value, DbType type) => GrainStorageEmulator.Add(c, name, value, type);

    private async Task<List<T>> ReadAsync<T>(string key, Action<DbCommand> parameters, Func<IDataRecord, T> selector)
    {
        await using var connection = _connect();
        await connection.OpenAsync();
        return await GrainStorageEmulator.ReadAllResultSetsAsync(connection, _queries[key], parameters, selector);
    }

    private async Task ExecuteAsync(string key, Action<DbCommand> parameters)
    {
        await using var connection = _connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = _queries[key];
        parameters(command);
        await command.ExecuteNonQueryAsync();
    }
}
