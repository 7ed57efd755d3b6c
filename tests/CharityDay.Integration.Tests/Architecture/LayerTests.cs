using System.Reflection;

namespace CharityDay.Integration.Tests.Architecture;

/// <summary>
/// The layers of docs/design.md, held by the assemblies' own references: the API reaches storage
/// only through grains, the domain depends on nothing, and every wire and storage record names its
/// serializer ids, so reordering a record's members never changes what stored state means.
/// </summary>
public sealed class LayerTests
{
    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    private static IReadOnlyList<string> References(string assembly) =>
        [.. Load(assembly).GetReferencedAssemblies().Select(a => a.Name!)];

    [Fact]
    public void The_api_does_not_reference_storage()
    {
        Assert.DoesNotContain("CharityDay.Storage", References("CharityDay.Api"));
        Assert.DoesNotContain("Npgsql", References("CharityDay.Api"));
        Assert.DoesNotContain("Microsoft.Data.Sqlite", References("CharityDay.Api"));
    }

    [Fact]
    public void The_domain_references_nothing_but_the_base_library()
    {
        var foreign = References("CharityDay.Domain").Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib")).ToList();
        Assert.True(foreign.Count == 0, $"CharityDay.Domain references {string.Join(", ", foreign)}");
    }

    [Fact]
    public void Every_serialized_contract_member_has_an_explicit_id()
    {
        var contracts = Load("CharityDay.Contracts");
        var serialized = contracts.GetTypes().Where(t => t.GetCustomAttributes().Any(a => a.GetType().Name == "GenerateSerializerAttribute")).ToList();
        Assert.Contains(serialized, t => t.Name == "PoolSettings");
        var missing = serialized
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.SetMethod is not null && p.Name != "EqualityContract")
                .Where(p => !p.GetCustomAttributes().Any(a => a.GetType().Name == "IdAttribute"))
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();
        Assert.True(missing.Count == 0, $"members without [Id(n)]: {string.Join(", ", missing)}");
    }
}
