namespace CharityDay.Deploy.Tests;

/// <summary>The repository the tests run in (found from the build output by CharityDay.sln).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CharityDay.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("CharityDay.sln not found above " + AppContext.BaseDirectory);
    }
}
