using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CharityDay.Domain;

namespace CharityDay.Api.Http;

/// <summary>
/// Reads and validates the fields of one JSON object, collecting every offending field, so a
/// client learns all that is wrong with a request at once. Absent and null are both "not given".
/// </summary>
public sealed partial class FieldReader(JsonElement obj, string prefix = "")
{
    // ISO 8601 / RFC 3339 date and time; without an offset the instant is taken as UTC. The shape
    // is checked first because DateTimeOffset.TryParse also takes "01/02/2026" or a bare date.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInstant();

    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public bool Has(string name) => obj.TryGetProperty(name, out _);

    /// <summary>Present with a JSON null: PATCH uses it to clear an optional setting.</summary>
    public bool IsExplicitNull(string name) => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Null;

    public void Error(string name, string message) => _errors.Add(new FieldError(prefix + name, message));

    private bool TryGet(string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public string? Id(string name, bool required)
    {
        var value = Text(name, required, Identifiers.MaxLength);
        if (value is not null && !Identifiers.IsValid(value))
        {
            Error(name, "must be 1–128 characters of A-Z a-z 0-9 . _ : -");
            return null;
        }
        return value;
    }

    public string? Text(string name, bool required, int maxLength)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Error(name, "is required");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, "must be a string");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength)
        {
            Error(name, $"must be 1–{maxLength} characters");
            return null;
        }
        return text;
    }

    public long? Long(string name, bool required, long min, long max)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Error(name, "is required");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            Error(name, "must be an integer");
            return null;
        }
        if (number < min || number > max)
        {
            Error(name, $"must be between {min} and {max}");
            return null;
        }
        return number;
    }

    public int? Int(string name, bool required, int min, int max) => (int?)Long(name, required, min, max);

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(name, "must be true or false");
            return null;
        }
        return value.GetBoolean();
    }

    public DateTimeOffset? Instant(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String
            || !IsoInstant().IsMatch(value.GetString()!)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            Error(name, "must be an ISO 8601 date-time, e.g. 2026-09-09T10:00:00+08:00");
            return null;
        }
        // The ledger keeps milliseconds; truncating here keeps replays comparable.
        return DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());
    }

    public IReadOnlyList<string>? IdList(string name, int maxCount)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, "must be an array of identifiers");
            return null;
        }
        var ids = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Identifiers.IsValid(item.GetString()))
            {
                Error($"{name}[{index}]", "must be an identifier (1–128 characters of A-Z a-z 0-9 . _ : -)");
            }
            else
            {
                ids.Add(item.GetString()!);
            }
            index++;
        }
        if (index > maxCount)
        {
            Error(name, $"must have at most {maxCount} items");
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    public FieldReader? Object(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, "must be an object");
            return null;
        }
        return new FieldReader(value, prefix + name + ".");
    }

    public void Absorb(FieldReader nested) => _errors.AddRange(nested.Errors);
}
