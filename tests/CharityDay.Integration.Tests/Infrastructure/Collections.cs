namespace CharityDay.Integration.Tests.Infrastructure;

// One deployment per profile, shared by the tests of its collection: starting silos is the slow part.

[CollectionDefinition(Name)]
public sealed class EmbeddedCollection : ICollectionFixture<EmbeddedDeployment>
{
    public const string Name = "embedded";
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterDeployment>
{
    public const string Name = "postgres-cluster";
}
