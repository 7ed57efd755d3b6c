using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Public;

/// <summary>Three PostgreSQL silos whose silo-to-silo traffic is mutual TLS, pinned to a self-signed certificate made here.</summary>
public sealed class TlsCluster : IAsyncLifetime
{
    public const string Password = "cluster-secret";

    private readonly string _directory = Directory.CreateTempSubdirectory("charityday-tls-").FullName;

    public TlsCluster()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=charityday-silo", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePath = Path.Combine(_directory, "silo.pfx");
        File.WriteAllBytes(CertificatePath, created.Export(X509ContentType.Pfx, Password));
        Certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, Password, X509KeyStorageFlags.EphemeralKeySet);
        Deployment = new PostgresClusterDeployment
        {
            Settings = new Dictionary<string, string>
            {
                ["CharityDay__SiloTlsCertificate"] = CertificatePath,
                ["CharityDay__SiloTlsCertificatePassword"] = Password,
            },
        };
    }

    public string CertificatePath { get; }

    public X509Certificate2 Certificate { get; }

    public PostgresClusterDeployment Deployment { get; }

    public Task InitializeAsync() => Deployment.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Deployment.DisposeAsync();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// CharityDay__SiloTlsCertificate: the silos form one cluster over TLS (a campaign's writer lives on
/// one silo, and the other two reach it), and a silo port speaks TLS with the cluster's certificate.
/// </summary>
public sealed class ClusterTlsTests(TlsCluster cluster) : IClassFixture<TlsCluster>
{
    private readonly ApiClient _api = cluster.Deployment.Api();

    [Fact]
    public async Task Three_silos_form_a_cluster_over_tls_and_every_silo_reaches_a_campaign_on_another()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var (_, key) = await _api.CreatePartnerAsync();
        var placement = await _api.Manager(HttpMethod.Get, $"/v1/admin/campaigns/{campaign}/placement");
        ApiClient.Ensure(placement, 200);

        var hosts = cluster.Deployment.Hosts;
        Assert.Equal(PostgresClusterDeployment.SiloCount, hosts.Count);
        for (var i = 0; i < hosts.Count; i++)
        {
            using var client = new HttpClient { BaseAddress = hosts[i].BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var posted = await _api.PostDonationAsync(key, new { donationId = $"tls-{i}", projectId = project, donorId = $"u{i}", amount = 100 + i }, client);
            Assert.True(posted.Code == 201, $"donation through silo {i} (campaign on {placement["silo"]}): {posted}");
        }
        var view = await _api.GetPublicFreshAsync($"/v1/projects/{project}", since: DateTimeOffset.UtcNow);
        Assert.Equal(300 + 3, view.Long("raised"));
    }

    [Fact]
    public async Task A_silo_port_speaks_tls_with_the_cluster_certificate()
    {
        var host = cluster.Deployment.Hosts[0];
        var siloPort = int.Parse(host.Environment["CharityDay__SiloPort"], CultureInfo.InvariantCulture);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", siloPort);
        await using var tls = new SslStream(tcp.GetStream());
        var pinned = cluster.Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        string? presented = null;
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "charityday-silo",
            ClientCertificates = [cluster.Certificate],
            // Pinned, as the silos check each other: the self-signed cluster certificate and no other.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256);
                return presented == pinned;
            },
        }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(tls.IsAuthenticated && tls.IsEncrypted, "the silo port did not complete a TLS handshake");
        Assert.Equal(pinned, presented);
    }
}
