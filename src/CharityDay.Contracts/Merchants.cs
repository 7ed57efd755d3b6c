namespace CharityDay.Contracts;

/// <summary>One merchant on the public board (SPEC §7): its live gifts (accepted, not refunded) and the orders they cover.</summary>
[GenerateSerializer, Immutable, Alias("cd.MerchantReadModel")]
public sealed record MerchantReadModel(
    [property: Id(0)] string PartnerId,
    [property: Id(1)] string MerchantId,
    [property: Id(2)] long RaisedFen,
    [property: Id(3)] long OrderCount,
    [property: Id(4)] long DonationCount)
{
    /// <summary>The board's order: raised descending, then partner and merchant id.</summary>
    public static int BoardOrder(MerchantReadModel a, MerchantReadModel b) =>
        Contracts.BoardOrder.Compare(a.RaisedFen, a.PartnerId, a.MerchantId, b.RaisedFen, b.PartnerId, b.MerchantId);
}

/// <summary>The campaign's merchant board as the public reads see it: ordered, up to <see cref="CampaignSnapshot.LeaderboardDepth"/>.</summary>
[GenerateSerializer, Immutable, Alias("cd.MerchantBoardSnapshot")]
public sealed record MerchantBoardSnapshot([property: Id(0)] IReadOnlyList<MerchantReadModel> Board)
{
    public static readonly MerchantBoardSnapshot Empty = new([]);
}
