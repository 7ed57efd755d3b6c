using System.Collections.Concurrent;
using System.Net;
using static CharityDay.Integration.Tests.Telemetry.ProtobufReader;

namespace CharityDay.Integration.Tests.Telemetry;

public sealed record OtlpLink(string TraceId, string SpanId);

public sealed record OtlpSpan(
    string Scope, string Name, int Kind, string TraceId, string SpanId, string ParentSpanId,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<OtlpLink> Links)
{
    public const int KindInternal = 1;
    public const int KindServer = 2;
    public const int KindClient = 3;

    public override string ToString() =>
        $"[{Scope}] {Name} kind={Kind} trace={TraceId} span={SpanId} parent={ParentSpanId} links=[{string.Join(", ", Links.Select(l => l.TraceId + "/" + l.SpanId))}]";
}

public sealed record OtlpLog(string Category, int Severity, string Body, string TraceId, string SpanId, IReadOnlyDictionary<string, string> Attributes)
{
    public override string ToString() => $"[{Category}] severity={Severity} trace={TraceId} span={SpanId} {Body}";
}

/// <summary>
/// An OTLP/HTTP (protobuf) collector for one test host: the host exports to it exactly as it would
/// to a real collector when OTEL_EXPORTER_OTLP_ENDPOINT is set, and the test reads what arrived.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<OtlpLog> _logs = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        Port = Infrastructure.FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyList<OtlpLog> Logs => [.. _logs];

    /// <summary>Export requests received, by path (/v1/traces, /v1/metrics, /v1/logs).</summary>
    public IReadOnlyDictionary<string, int> Requests => new Dictionary<string, int>(_requests);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var path = context.Request.Url!.AbsolutePath;
                _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                if (path == "/v1/traces")
                {
                    ReadTraces(body.ToArray());
                }
                else if (path == "/v1/logs")
                {
                    ReadLogs(body.ToArray());
                }
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (Exception)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    private void ReadTraces(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Messages(request, 1))
        {
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                var scope = Messages(scopeSpans, 1).Select(s => Messages(s, 1).Select(Text).FirstOrDefault()).FirstOrDefault() ?? "";
                foreach (var span in Messages(scopeSpans, 2))
                {
                    string traceId = "", spanId = "", parent = "", name = "";
                    var kind = 0;
                    var attributes = new Dictionary<string, string>();
                    var links = new List<OtlpLink>();
                    foreach (var f in Fields(span))
                    {
                        switch (f.Number)
                        {
                            case 1: traceId = Hex(f.Bytes); break;
                            case 2: spanId = Hex(f.Bytes); break;
                            case 4: parent = Hex(f.Bytes); break;
                            case 5: name = Text(f.Bytes); break;
                            case 6: kind = (int)f.Varint; break;
                            case 9: AddAttribute(attributes, f.Bytes); break;
                            case 13:
                                var link = Fields(f.Bytes).ToList();
                                links.Add(new OtlpLink(Hex(link.First(l => l.Number == 1).Bytes), Hex(link.First(l => l.Number == 2).Bytes)));
                                break;
                        }
                    }
                    _spans.Enqueue(new OtlpSpan(scope, name, kind, traceId, spanId, parent, attributes, links));
                }
            }
        }
    }

    private void ReadLogs(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceLogs in Messages(request, 1))
        {
            foreach (var scopeLogs in Messages(resourceLogs, 2))
            {
                var scope = Messages(scopeLogs, 1).Select(s => Messages(s, 1).Select(Text).FirstOrDefault()).FirstOrDefault() ?? "";
                foreach (var record in Messages(scopeLogs, 2))
                {
                    string traceId = "", spanId = "", body = "";
                    var severity = 0;
                    var attributes = new Dictionary<string, string>();
                    foreach (var f in Fields(record))
                    {
                        switch (f.Number)
                        {
                            case 2: severity = (int)f.Varint; break;
                            case 5: body = AnyValue(f.Bytes); break;
                            case 6: AddAttribute(attributes, f.Bytes); break;
                            case 9: traceId = Hex(f.Bytes); break;
                            case 10: spanId = Hex(f.Bytes); break;
                        }
                    }
                    _logs.Enqueue(new OtlpLog(scope, severity, body, traceId, spanId, attributes));
                }
            }
        }
    }

    private static void AddAttribute(Dictionary<string, string> attributes, ReadOnlyMemory<byte> keyValue)
    {
        string key = "", value = "";
        foreach (var f in Fields(keyValue))
        {
            if (f.Number == 1)
            {
                key = Text(f.Bytes);
            }
            else if (f.Number == 2)
            {
                value = AnyValue(f.Bytes);
            }
        }
        attributes[key] = value;
    }

    private static string AnyValue(ReadOnlyMemory<byte> anyValue)
    {
        foreach (var f in Fields(anyValue))
        {
            return f.Number switch
            {
                1 => Text(f.Bytes),
                2 => (f.Varint != 0).ToString(),
                3 => ((long)f.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                4 => BitConverter.UInt64BitsToDouble(f.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => $"<field {f.Number}>",
            };
        }
        return "";
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
