namespace CharityDay.Deploy.Tests;

/// <summary>Every overlay renders on a clean clone and names what it runs; the rules every object keeps.</summary>
public sealed class OverlayTests
{
    public static TheoryData<string> Overlays() =>
        [.. Directory.GetDirectories(Repo.PathOf("k8s", "overlays")).Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void There_are_the_two_overlays() =>
        Assert.Equal(["production", "staging"], Overlays().Cast<object[]>().Select(row => (string)row[0]).Order());

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Renders_objects_that_each_have_kind_name_and_the_overlays_namespace(string overlay)
    {
        var manifests = await Kubectl.RenderAsync(overlay);
        Assert.NotEmpty(manifests.All);
        var ns = Assert.Single(manifests.OfKind("Namespace"));
        var name = (string)ns["metadata"]!["name"]!;
        foreach (var o in manifests.All)
        {
            Assert.False(string.IsNullOrEmpty((string?)o["apiVersion"]), Manifests.Describe(o));
            Assert.False(string.IsNullOrEmpty((string?)o["metadata"]?["name"]), Manifests.Describe(o));
            if ((string?)o["kind"] != "Namespace")
            {
                Assert.Equal(name, (string?)o["metadata"]!["namespace"]);
            }
        }
        Assert.Equal(manifests.All.Count, manifests.All.Select(Manifests.Describe).Distinct().Count());
        // The Secret is created from k8s/secrets.env by k8s/deploy.sh, never rendered from the repository.
        Assert.Empty(manifests.OfKind("Secret"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_image_has_a_version_tag_and_the_migrate_job_is_named_after_it(string overlay)
    {
        var manifests = await Kubectl.RenderAsync(overlay);
        var images = PodSpecs(manifests).SelectMany(p => p.Spec["containers"]!.AsArray()).Select(c => (string)c!["image"]!).ToList();
        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            var tag = Tag(image);
            Assert.False(tag is null or "latest", $"{overlay}: image {image} must name a version tag");
        }
        var silo = (string)SiloContainer(manifests)["image"]!;
        var job = Assert.Single(manifests.OfKind("Job"));
        Assert.Equal(silo, (string)job["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!);
        // Job specs are immutable: a new release needs a new Job, so its name carries the release's tag.
        Assert.Equal($"charityday-migrate-{Tag(silo)}", (string)job["metadata"]!["name"]!);
        Assert.NotNull(job["spec"]!["ttlSecondsAfterFinished"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_container_runs_non_root_on_a_read_only_root_without_privileges(string overlay)
    {
        var manifests = await Kubectl.RenderAsync(overlay);
        foreach (var (owner, spec) in PodSpecs(manifests))
        {
            Assert.Equal("true", (string?)spec["securityContext"]?["runAsNonRoot"]);
            foreach (var container in spec["containers"]!.AsArray())
            {
                var where = $"{owner}: container {container!["name"]}";
                var security = container["securityContext"] ?? throw new Xunit.Sdk.XunitException(where + " has no securityContext");
                Assert.True((string?)security["allowPrivilegeEscalation"] == "false", where);
                Assert.True((string?)security["readOnlyRootFilesystem"] == "true", where);
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
                Assert.NotNull(container["resources"]?["requests"]?["memory"]);
                Assert.NotNull(container["resources"]?["limits"]?["memory"]);
            }
        }
    }

    public static IEnumerable<(string Owner, JsonObject Spec)> PodSpecs(Manifests manifests) =>
        manifests.All
            .Where(o => o["spec"]?["template"]?["spec"] is JsonObject)
            .Select(o => (Manifests.Describe(o), o["spec"]!["template"]!["spec"]!.AsObject()));

    public static JsonObject SiloContainer(Manifests manifests) =>
        manifests.Get("Deployment", "charityday")["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
            .Single(c => (string?)c!["name"] == "silo")!.AsObject();

    /// <summary>The tag of an image reference, or null (a digest-only or untagged reference).</summary>
    public static string? Tag(string image)
    {
        var name = image.Split('@')[0];
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash ? name[(colon + 1)..] : null;
    }
}
