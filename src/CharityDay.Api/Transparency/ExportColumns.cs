using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CharityDay.Domain.Transparency;

namespace CharityDay.Api.Transparency;

/// <summary>
/// The columns of the daily export (SPEC §6), written in this one place for both formats: a new column
/// is one more entry in <see cref="Names"/> and one more line in <see cref="Values"/>. A merchant
/// gift's <c>merchantId</c> and <c>orderCount</c> come last (empty for a person's gift), so readers of
/// the first eleven columns by position are not moved; its <c>donorId</c> is empty.
/// </summary>
public static class ExportColumns
{
    public static readonly string[] Names =
        ["partnerId", "donationId", "projectId", "donorId", "teamId", "amount", "status", "acceptedAt", "refundedAt", "matchedTotal", "matches", "merchantId", "orderCount"];

    private static readonly JsonEncodedText[] JsonNames = [.. Names.Select(n => JsonEncodedText.Encode(n))];

    /// <summary>A column's value: text, a number of fen, or nothing (an empty CSV field, a JSON null).</summary>
    public readonly record struct Value(string? Text, long? Number);

    public static void Values(ExportRow row, Span<Value> into)
    {
        into[0] = new(row.PartnerId, null);
        into[1] = new(row.DonationId, null);
        into[2] = new(row.ProjectId, null);
        into[3] = new(row.PersonDonorId, null);
        into[4] = new(row.TeamId, null);
        into[5] = new(null, row.AmountFen);
        into[6] = new(row.Status, null);
        into[7] = new(Rfc3339(row.AcceptedAt), null);
        into[8] = new(row.RefundedAt is { } refundedAt ? Rfc3339(refundedAt) : null, null);
        into[9] = new(null, row.MatchedTotalFen);
        into[10] = new(row.Matches, null);
        into[11] = new(row.MerchantId, null);
        into[12] = new(null, row.OrderCount);
    }

    /// <summary>
    /// An instant as the donation answers write it (System.Text.Json's form: trailing zeros of the
    /// fraction dropped, offset +00:00), so an export row and a donation read compare as text.
    /// </summary>
    public static string Rfc3339(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180: the header line, then one line per row, CRLF-terminated.</summary>
    public static void WriteCsvHeader(IBufferWriter<byte> output) => WriteCsvLine(output, Names.Select(n => new Value(n, null)).ToArray());

    public static void WriteCsv(IBufferWriter<byte> output, ExportRow row)
    {
        Span<Value> values = new Value[Names.Length];
        Values(row, values);
        WriteCsvLine(output, values);
    }

    private static void WriteCsvLine(IBufferWriter<byte> output, ReadOnlySpan<Value> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                Write(output, ",");
            }
            if (values[i].Number is { } number)
            {
                // Straight into the pipe as UTF-8: no string per number (20 bytes hold any long).
                var span = output.GetSpan(20);
                number.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
                output.Advance(written);
            }
            else if (values[i].Text is { } text)
            {
                Write(output, CsvField(text));
            }
        }
        Write(output, "\r\n");
    }

    /// <summary>A field with a comma, a quote or a line break is quoted, its quotes doubled (RFC 4180 §2.6–2.7).</summary>
    public static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>JSON lines: one object per row, the same names and values as the CSV columns.</summary>
    public static void WriteJsonLine(Utf8JsonWriter json, IBufferWriter<byte> output, ExportRow row)
    {
        Span<Value> values = new Value[Names.Length];
        Values(row, values);
        json.Reset(output);
        json.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Number is { } number)
            {
                json.WriteNumber(JsonNames[i], number);
            }
            else if (values[i].Text is { } text)
            {
                json.WriteString(JsonNames[i], text);
            }
            else
            {
                json.WriteNull(JsonNames[i]);
            }
        }
        json.WriteEndObject();
        json.Flush();
        Write(output, "\n");
    }

    private static void Write(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
