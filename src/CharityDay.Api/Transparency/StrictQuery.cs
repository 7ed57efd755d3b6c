using System.Globalization;
using CharityDay.Api.Http;
using CharityDay.Domain;
using Microsoft.AspNetCore.Http;

namespace CharityDay.Api.Transparency;

/// <summary>
/// A query string read as strictly as a body (SPEC §4 "Strict input"): a parameter the endpoint does
/// not name, or one given twice, is a 400 naming it — a misspelt <c>campaignID</c> must not silently
/// export nothing. Names are case-sensitive.
/// </summary>
public sealed class StrictQuery
{
    private readonly IQueryCollection _query;
    private readonly List<FieldError> _errors = [];

    public StrictQuery(HttpRequest request, params string[] allowed)
    {
        _query = request.Query;
        foreach (var (name, values) in _query)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                _errors.Add(new FieldError(name, $"is not a parameter of this endpoint (it takes {string.Join(", ", allowed)})"));
            }
            else if (values.Count != 1)
            {
                _errors.Add(new FieldError(name, "must be given once"));
            }
        }
    }

    public bool HasErrors => _errors.Count > 0;

    public IResult Problem => ApiProblem.Invalid(_errors);

    private string? Single(string name, bool required)
    {
        if (!_query.TryGetValue(name, out var values) || values.Count == 0)
        {
            if (required)
            {
                _errors.Add(new FieldError(name, "is required"));
            }
            return null;
        }
        return values.Count == 1 ? values[0] : null;
    }

    public string? Id(string name)
    {
        var text = Single(name, required: true);
        if (text is not null && !Identifiers.IsValid(text))
        {
            _errors.Add(new FieldError(name, ApiProblem.IdentifierRule));
            return null;
        }
        return text;
    }

    /// <summary>A calendar day written exactly <c>YYYY-MM-DD</c>.</summary>
    public DateOnly? Day(string name)
    {
        var text = Single(name, required: true);
        if (text is null)
        {
            return null;
        }
        if (text.Length != 10 || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            _errors.Add(new FieldError(name, "must be a calendar day written YYYY-MM-DD"));
            return null;
        }
        return day;
    }

    /// <summary>One of <paramref name="formats"/>; absent: the first.</summary>
    public string? Format(params string[] formats)
    {
        var text = Single("format", required: false);
        if (text is null)
        {
            return _query.ContainsKey("format") ? null : formats[0];
        }
        if (!formats.Contains(text, StringComparer.Ordinal))
        {
            _errors.Add(new FieldError("format", $"must be one of {string.Join(", ", formats)}"));
            return null;
        }
        return text;
    }
}
