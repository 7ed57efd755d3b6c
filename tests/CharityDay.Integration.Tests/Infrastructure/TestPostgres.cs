using Npgsql;

namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>
/// A throwaway database on the PostgreSQL server that scripts/test.sh starts. Without that server
/// the tests fail: they never skip.
/// </summary>
public sealed class TestPostgres
{
    public const string Variable = "CHARITYDAY_TEST_POSTGRES";

    private readonly string _server = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{Variable} is not set: run the suite through scripts/test.sh, which starts PostgreSQL");

    public string DatabaseName { get; } = "cd_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = DatabaseName, MaxPoolSize = 40 }.ToString();

    public async Task CreateAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
