using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace CharityDay.Host;

/// <summary>
/// The silo's own ports, kept as closed as the deployment allows. The client gateway is off unless
/// CharityDay__GatewayPort is set: the HTTP API runs inside every silo and talks to grains through
/// the silo's own client, so nothing in this project (host, tests, load tests, tools) connects as an
/// external Orleans client — an open gateway would only be a door for strangers to the grain calls
/// the HTTP layer guards. Silo-to-silo traffic can be mutual TLS (Production profile): every silo
/// presents the cluster's one certificate and accepts a peer only when it presents the same one
/// (pinned by its SHA-256 thumbprint), so a self-signed certificate needs no CA and a process
/// without the certificate's private key cannot join the cluster or read its messages.
/// </summary>
public static class SiloNetwork
{
    public static void ConfigureEndpoints(ISiloBuilder silo, CharityDayOptions options)
    {
        if (options.IsProduction)
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            if (LoadClusterCertificate(options) is { } certificate)
            {
                UseClusterTls(silo, certificate);
            }
        }
        else
        {
            // One silo on this machine: its ports listen on loopback only, named here rather than left
            // to Orleans' defaults. Two embedded hosts on one machine still need two CharityDay__SiloPort
            // values (README, Configuration); the gateway stays closed unless CharityDay__GatewayPort is set.
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            silo.Configure<EndpointOptions>(endpoints =>
            {
                endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, options.SiloPort);
                endpoints.GatewayListeningEndpoint = options.GatewayPort > 0 ? new IPEndPoint(IPAddress.Loopback, options.GatewayPort) : null;
            });
        }
    }

    /// <summary>The PFX at CharityDay__SiloTlsCertificate (with its private key), or null when TLS is off.</summary>
    public static X509Certificate2? LoadClusterCertificate(CharityDayOptions options)
    {
        if (string.IsNullOrEmpty(options.SiloTlsCertificate))
        {
            return null;
        }
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.SiloTlsCertificate, options.SiloTlsCertificatePassword,
            X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"CharityDay:SiloTlsCertificate {options.SiloTlsCertificate} has no private key: a silo proves it holds the cluster certificate with it");
        }
        return certificate;
    }

    private static void UseClusterTls(ISiloBuilder silo, X509Certificate2 certificate)
    {
        var pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        silo.UseTls(certificate, tls =>
        {
            // Both ends prove themselves: a silo dialling another is its client, and must present it too.
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // The pin replaces chain and name checks (silos dial each other by IP address, and the
            // certificate may be self-signed): the peer must hold exactly the cluster's certificate.
            tls.RemoteCertificateValidation = (remote, _, _) =>
                remote is not null && CryptographicOperations.FixedTimeEquals(remote.GetCertHash(HashAlgorithmName.SHA256), pinned);
        });
    }
}
