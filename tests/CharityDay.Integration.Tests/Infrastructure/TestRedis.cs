namespace CharityDay.Integration.Tests.Infrastructure;

/// <summary>The Redis server scripts/test.sh starts; without it the cluster tests fail, never skip.</summary>
public static class TestRedis
{
    public const string Variable = "CHARITYDAY_TEST_REDIS";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{Variable} is not set: run the suite through scripts/test.sh, which starts Redis");
}
