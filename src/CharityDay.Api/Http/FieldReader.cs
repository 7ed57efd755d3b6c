using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CharityDay.Domain;

namespace CharityDay.Api.Http;

/// <summary>
/// Reads and validates the fields of one JSON object, collecting every offending field, so a
/// client learns all that is wrong with a request at once. Absent and null are both "not given".
/// </summary>
/// <remarks>
/// SPEC §4 strict input: the reader remembers every field name the endpoint asked about, and
/// <see cref="Errors"/> / <see cref="HasErrors"/> also report each property of the body that was
/// never asked about as an unknown field. An endpoint cannot forget the check: the error check it
/// already makes is the check. Names compare ordinally, so <c>ratioBPS</c> is not <c>ratioBps</c>.
/// </remarks>
public sealed partial class FieldReader(JsonElement obj, string prefix = "")
{
    /// <summary>SPEC §4: names and other free text are 1–200 characters.</summary>
    public const int MaxTextLength = 200;

    /// <summary>An unknown field's name is echoed back at most this long.</summary>
    private const int MaxEchoedNameLength = 100;

    // RFC 3339 date-time (the space separator of its §5.6 note allowed), seconds and an offset
    // required. The shape is checked first because DateTimeOffset.TryParse also takes "01/02/2026"
    // or a bare date. \z, not $: $ also matches before a final "\n".
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Instant();

    // The same without an offset, to say precisely what is missing.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LocalDateTime();

    private readonly List<FieldError> _errors = [];

    // The field names asked about, in the order asked: a handful per body, so a list beats a set
    // (this runs on every donation: the checks below allocate nothing per field).
    private readonly List<string> _named = new(16);

    /// <summary>Every unknown field first (the likeliest cause of the rest), then each invalid one.</summary>
    public IReadOnlyList<FieldError> Errors
    {
        get
        {
            var unknown = UnknownFields();
            return unknown.Count == 0 ? _errors : [.. unknown, .. _errors];
        }
    }

    public bool HasErrors => _errors.Count > 0 || HasUnknownFields();

    public bool Has(string name) => TryGetProperty(name, out _);

    /// <summary>Present with a JSON null: PATCH uses it to clear an optional setting.</summary>
    public bool IsExplicitNull(string name) => TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Null;

    public void Error(string name, string message) => _errors.Add(new FieldError(prefix + name, message));

    /// <summary>The raw value of a field the contract names (not given when absent or null).</summary>
    public bool TryGet(string name, out JsonElement value) =>
        TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private bool TryGetProperty(string name, out JsonElement value)
    {
        if (!IsNamed(name))
        {
            _named.Add(name);
        }
        if (obj.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }
        return obj.TryGetProperty(name, out value);
    }

    public string? Id(string name, bool required)
    {
        var value = String(name, required);
        if (value is not null && !Identifiers.IsValid(value))
        {
            Error(name, ApiProblem.IdentifierRule);
            return null;
        }
        return value;
    }

    /// <summary>Free text (SPEC §4): 1–<paramref name="maxLength"/> characters, no control or bidirectional controls.</summary>
    public string? Text(string name, bool required, int maxLength = MaxTextLength)
    {
        var text = String(name, required);
        if (text is not null && FreeText.Check(text, maxLength) is { } problem)
        {
            Error(name, problem);
            return null;
        }
        return text;
    }

    private string? String(string name, bool required)
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
        return value.GetString()!;
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

    /// <summary>An RFC 3339 instant with its offset: one without is refused, never guessed to be UTC.</summary>
    public DateTimeOffset? Instant(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text is not null && LocalDateTime().IsMatch(text))
        {
            Error(name, "must carry a UTC offset (Z or ±hh:mm), e.g. 2026-09-09T10:00:00+08:00");
            return null;
        }
        if (text is null
            || !Rfc3339Instant().IsMatch(text)
            // RFC 3339 allows a lower-case t and z and a space for the T; the parser is given the canonical form.
            || !DateTimeOffset.TryParse(text.ToUpperInvariant().Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant))
        {
            Error(name, "must be an RFC 3339 date-time with an offset, e.g. 2026-09-09T10:00:00+08:00");
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

    /// <summary>Takes a nested object's errors, its unknown fields included: call it after reading the object.</summary>
    public void Absorb(FieldReader nested) => _errors.AddRange(nested.Errors);

    private bool HasUnknownFields()
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (!IsNamed(property))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsNamed(string name)
    {
        foreach (var named in _named)
        {
            if (string.Equals(named, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Compares the name as the parser holds it (unescaped, ordinal), without making a string of it.</summary>
    private bool IsNamed(JsonProperty property)
    {
        foreach (var named in _named)
        {
            if (property.NameEquals(named))
            {
                return true;
            }
        }
        return false;
    }

    private List<FieldError> UnknownFields()
    {
        var unknown = new List<FieldError>();
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return unknown;
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (!IsNamed(property))
            {
                var name = property.Name.Length > MaxEchoedNameLength ? property.Name[..MaxEchoedNameLength] + "…" : property.Name;
                var hint = ClosestNamed(property.Name) is { } known ? $"; did you mean {known}?" : "";
                unknown.Add(new FieldError(prefix + name, "is not a field of this request" + hint));
            }
        }
        return unknown;
    }

    /// <summary>A field the endpoint reads that differs only in case or by a typo or two (<c>perDonorDailyCapp</c>).</summary>
    private string? ClosestNamed(string name)
    {
        if (name.Length > MaxEchoedNameLength)
        {
            return null;
        }
        foreach (var known in _named)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        string? best = null;
        var bestDistance = 3;
        foreach (var known in _named)
        {
            var distance = EditDistance(known, name, bestDistance);
            if (distance < bestDistance && distance < known.Length / 2)
            {
                (best, bestDistance) = (known, distance);
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance, or <paramref name="bound"/> as soon as it is certain to reach it.</summary>
    private static int EditDistance(string a, string b, int bound)
    {
        if (Math.Abs(a.Length - b.Length) >= bound)
        {
            return bound;
        }
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }
            if (rowMin >= bound)
            {
                return bound;
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
