using System.Text;

namespace CharityDay.Integration.Tests.Transparency;

/// <summary>A strict RFC 4180 reader for the exports: CRLF line ends, quoted fields with doubled quotes; anything else fails the test.</summary>
public static class Csv
{
    public static List<Dictionary<string, string>> Parse(string text)
    {
        var records = Records(text);
        Assert.True(records.Count > 0, "no header line");
        var header = records[0];
        Assert.All(records, r => Assert.True(r.Count == header.Count, $"a record has {r.Count} fields, the header {header.Count}"));
        return [.. records.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second))];
    }

    public static List<string> Header(string text) => Records(text)[0];

    private static List<List<string>> Records(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (text[i] == ',')
            {
                record.Add(field.ToString());
                field.Clear();
                i++;
                continue;
            }
            if (text[i] == '\r')
            {
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', "a bare CR");
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i += 2;
                continue;
            }
            Assert.True(text[i] != '\n', "a bare LF: RFC 4180 lines end with CRLF");
            field.Append(text[i++]);
        }
        Assert.True(record.Count == 0 && field.Length == 0, "the last line has no CRLF");
        return records;
    }
}
