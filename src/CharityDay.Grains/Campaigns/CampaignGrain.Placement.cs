using CharityDay.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace CharityDay.Grains.Campaigns;

public sealed partial class CampaignGrain : ICampaignPlacement
{
    public Task<string> SiloAddress() =>
        Task.FromResult(ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.ToString());
}
