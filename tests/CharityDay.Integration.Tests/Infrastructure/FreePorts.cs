using System.Net;
using System.Net.Sockets;

namespace CharityDay.Integration.Tests.Infrastructure;

public static class FreePorts
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback port nobody listens on now, never handed out twice in this run.</summary>
    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
