using System.Globalization;

namespace CharityDay.Rehearsal.Scenario;

/// <summary>A giving platform: its share of the day's donations and how its donors give.</summary>
public sealed record PartnerProfile(string PartnerId, string Name, string DonorPrefix, double Share, AmountProfile Amounts);

public sealed record ProjectPlan(string ProjectId, string Name, string? ParentProjectId, bool Closed);

/// <summary>Who takes part: the platforms, the projects (with joint-fundraising families) and their popularity.</summary>
public sealed class Population
{
    /// <summary>Every few projects one is a joint-fundraising parent with <see cref="ChildrenPerParent"/> sub-projects.</summary>
    public const int FamilyEvery = 25;
    public const int ChildrenPerParent = 4;
    public const int ClosedProjects = 3;

    /// <summary>Zipf exponent of project popularity.</summary>
    public const double PopularityExponent = 1.07;

    public static readonly IReadOnlyList<PartnerProfile> Partners =
    [
        new("rh-tencent", "Messaging app charity platform", "tc", 0.42, AmountProfile.Standard),
        new("rh-alipay", "Payment app charity platform", "ap", 0.28, AmountProfile.Standard),
        new("rh-douyin", "Short-video platform", "dy", 0.15, AmountProfile.Micro),
        new("rh-weibo", "Microblog", "wb", 0.10, AmountProfile.Standard),
        new("rh-honor", "Phone maker's community", "ho", 0.05, AmountProfile.Standard),
    ];

    /// <summary>The scripted accounts post through the biggest platform, as they did in the incident SPEC §3 cites.</summary>
    public const int BotPartner = 0;

    private Population(IReadOnlyList<ProjectPlan> projects, IReadOnlyList<string> byPopularity, Zipf popularity)
    {
        Projects = projects;
        ByPopularity = byPopularity;
        Popularity = popularity;
    }

    public IReadOnlyList<ProjectPlan> Projects { get; }

    /// <summary>Open projects, most popular first: rank k of <see cref="Popularity"/> is <c>ByPopularity[k]</c>.</summary>
    public IReadOnlyList<string> ByPopularity { get; }

    public Zipf Popularity { get; }

    public IEnumerable<ProjectPlan> Parents => Projects.Where(p => Projects.Any(c => c.ParentProjectId == p.ProjectId));

    /// <summary>The first joint-fundraising family (a parent and its sub-projects): the scope of the family pool.</summary>
    public IReadOnlyList<string> FirstFamily()
    {
        var parent = Projects.First(p => p.ParentProjectId is null && Projects.Any(c => c.ParentProjectId == p.ProjectId));
        return [parent.ProjectId, .. Projects.Where(c => c.ParentProjectId == parent.ProjectId).Select(c => c.ProjectId)];
    }

    public string ClosedProjectId(int i) => Projects.Where(p => p.Closed).ElementAt(i % ClosedProjects).ProjectId;

    public string SampleProject(Random random) => ByPopularity[Popularity.Sample(random)];

    public static Population Create(string campaignId, int openProjects, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(openProjects, FamilyEvery);
        var projects = new List<ProjectPlan>(openProjects + ClosedProjects);
        string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"{campaignId}-p{i:D5}");
        for (var i = 0; i < openProjects; i++)
        {
            var id = Id(i);
            var family = i % FamilyEvery;
            string? parent = family is > 0 and <= ChildrenPerParent ? Id(i - family) : null;
            projects.Add(new ProjectPlan(id, parent is null ? $"Project {i}" : $"Project {i} (part of {i - family})", parent, Closed: false));
        }

        for (var j = 0; j < ClosedProjects; j++)
        {
            projects.Add(new ProjectPlan(string.Create(CultureInfo.InvariantCulture, $"{campaignId}-closed{j}"), $"Closed project {j}", null, Closed: true));
        }

        // Popularity is a seeded shuffle, so the most popular project is not always p00000.
        var open = projects.Where(p => !p.Closed).Select(p => p.ProjectId).ToArray();
        for (var i = open.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (open[i], open[j]) = (open[j], open[i]);
        }

        return new Population(projects, open, new Zipf(open.Length, PopularityExponent));
    }
}
