namespace CharityDay.Grains;

public static class GrainStorage
{
    /// <summary>The Orleans grain storage provider every CharityDay grain persists through.</summary>
    public const string Name = "charityday";
}
