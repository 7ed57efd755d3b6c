using System.Text.Json;
using CharityDay.Api.Http;
using CharityDay.Contracts;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Reports;

/// <summary>
/// SPEC §6 "Use of funds" input, read strictly: every field named, free text by §4's rules, <c>spent</c> an
/// integer in fen (a fraction or a string is a 400), <c>quantity</c> an integer ≥ 1, <c>evidenceUrl</c> an
/// https:// URL of at most 2,000 characters, <c>at</c> RFC 3339 with its offset.
/// </summary>
public static class ReportInput
{
    public const int MaxEvidenceUrlLength = 2000;
    public const int MaxItems = 1000;

    /// <summary>A report's spent is at most ±10^15 fen (ten trillion yuan): far beyond any project, and no sum of them overflows.</summary>
    public const long MaxSpentFen = 1_000_000_000_000_000;

    public const long MaxQuantity = 1_000_000_000_000;

    public static (ReportView? Report, IResult? Problem) Read(JsonElement body, string projectId, string campaignId)
    {
        var f = new FieldReader(body);
        var reportId = f.Id("reportId", required: true);
        if (!f.Has("at") || f.IsExplicitNull("at"))
        {
            f.Error("at", "is required");
        }
        var at = f.Instant("at");
        var title = f.Text("title", required: true);
        var spent = f.Long("spent", required: true, -MaxSpentFen, MaxSpentFen);
        var items = Items(f);
        var evidenceUrl = EvidenceUrl(f);
        if (f.HasErrors)
        {
            return (null, ApiProblem.Invalid(f.Errors));
        }
        return (new ReportView(projectId, reportId!, campaignId, at!.Value, title!, spent!.Value, items, evidenceUrl, 0, default), null);
    }

    private static List<ReportItemView> Items(FieldReader f)
    {
        var items = new List<ReportItemView>();
        if (!f.TryGet("items", out var array))
        {
            return items;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            f.Error("items", "must be an array of {description, quantity, unit}");
            return items;
        }
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var name = $"items[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                f.Error(name, "must be an object {description, quantity, unit}");
                continue;
            }
            var item = new FieldReader(element, name + ".");
            var description = item.Text("description", required: true);
            var quantity = item.Long("quantity", required: true, 1, MaxQuantity);
            var unit = item.Text("unit", required: true);
            f.Absorb(item);
            if (description is not null && quantity is not null && unit is not null)
            {
                items.Add(new ReportItemView(description, quantity.Value, unit));
            }
        }
        if (index > MaxItems)
        {
            f.Error("items", $"must have at most {MaxItems} items");
        }
        return items;
    }

    private static string? EvidenceUrl(FieldReader f)
    {
        if (!f.TryGet("evidenceUrl", out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            f.Error("evidenceUrl", "must be a string");
            return null;
        }
        var url = value.GetString()!;
        if (url.Length > MaxEvidenceUrlLength)
        {
            f.Error("evidenceUrl", $"must be at most {MaxEvidenceUrlLength} characters");
            return null;
        }
        if (!url.StartsWith("https://", StringComparison.Ordinal)
            || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || FreeText.IsBidiControl(c))
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
        {
            f.Error("evidenceUrl", "must be an https:// URL");
            return null;
        }
        return url;
    }
}
