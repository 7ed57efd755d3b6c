using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
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
        using var created = SelfSigned("CN=charityday-silo");
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

    /// <summary>A fresh self-signed certificate for server and client authentication, valid a day either side of now.</summary>
    public static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client authentication
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

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
        using var tcp = await ConnectToSiloAsync(siloPort);
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_silo_refuses_a_peer_without_the_cluster_certificate(bool presentsAnotherSelfSignedCertificate)
    {
        var host = cluster.Deployment.Hosts[1];
        var siloPort = int.Parse(host.Environment["CharityDay__SiloPort"], CultureInfo.InvariantCulture);
        using var tcp = await ConnectToSiloAsync(siloPort);
        await using var tls = new SslStream(tcp.GetStream());
        var pinned = cluster.Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        using var stranger = presentsAnotherSelfSignedCertificate ? TlsCluster.SelfSigned("CN=charityday-silo") : null;
        // The silo must end the connection (in the handshake, or right after it under TLS 1.3). Were the
        // peer accepted, the silo would wait for the Orleans preamble and the read below would time out instead.
        var refused = await Record.ExceptionAsync(async () =>
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "charityday-silo",
                ClientCertificates = stranger is null ? null : [stranger],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && new X509Certificate2(certificate).GetCertHashString(HashAlgorithmName.SHA256) == pinned,
            }).WaitAsync(TimeSpan.FromSeconds(30));
            var read = await tls.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0)
            {
                throw new IOException("closed by the silo");
            }
        });
        Assert.True(refused is IOException or AuthenticationException or SocketException,
            $"a peer without the cluster certificate was not refused: {refused?.GetType().Name ?? "no error"} {refused?.Message}");
    }

    /// <summary>A production silo listens on the address it advertises (the machine's first non-loopback one), not on loopback.</summary>
    private static async Task<TcpClient> ConnectToSiloAsync(int port)
    {
        var candidates = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        var refused = new List<string>();
        foreach (var address in candidates)
        {
            var tcp = new TcpClient();
            try
            {
                await tcp.ConnectAsync(address, port);
                return tcp;
            }
            catch (SocketException e)
            {
                tcp.Dispose();
                refused.Add($"{address}: {e.SocketErrorCode}");
            }
        }
        throw new Xunit.Sdk.XunitException($"no local address takes connections on silo port {port}: {string.Join(", ", refused)}");
    }
}
