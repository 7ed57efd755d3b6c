using System.Globalization;
using System.Text;

namespace CharityDay.Integration.Tests.Errors.Fuzzing;

/// <summary>
/// A JSON value the fuzzer can write exactly as it wants: raw number literals (<c>1e400</c>,
/// <c>9223372036854775808</c>), strings with lone surrogates (written as <c>\uD800</c>, which
/// System.Text.Json refuses to write), and objects that name a field twice.
/// </summary>
public abstract record FuzzJson
{
    public abstract void Write(StringBuilder json);

    // Sealed: a derived record would otherwise synthesize its own ToString ("FuzzObject { Fields = … }").
    public sealed override string ToString()
    {
        var json = new StringBuilder();
        Write(json);
        return json.ToString();
    }

    public static FuzzJson Str(string value) => new FuzzString(value);

    public static FuzzJson Num(long value) => new FuzzRaw(value.ToString(CultureInfo.InvariantCulture));

    public static FuzzJson Raw(string literal) => new FuzzRaw(literal);

    public static readonly FuzzJson Null = new FuzzRaw("null");
    public static readonly FuzzJson True = new FuzzRaw("true");
    public static readonly FuzzJson False = new FuzzRaw("false");

    /// <summary>Quotes and escapes as RFC 8259 asks; a lone surrogate goes out as its escape, a pair as the character, or escaped when asked.</summary>
    public static void WriteString(StringBuilder json, string value, bool escapePairs = false)
    {
        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (escapePairs)
                {
                    json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}\\u{(int)value[i + 1]:x4}");
                }
                else
                {
                    json.Append(c).Append(value[i + 1]);
                }
                i++;
            }
            else if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < 0x20 || char.IsSurrogate(c))
            {
                json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                json.Append(c);
            }
        }
        json.Append('"');
    }
}

public sealed record FuzzRaw(string Literal) : FuzzJson
{
    public override void Write(StringBuilder json) => json.Append(Literal);
}

public sealed record FuzzString(string Value, bool EscapePairs = false) : FuzzJson
{
    public override void Write(StringBuilder json) => WriteString(json, Value, EscapePairs);
}

public sealed record FuzzArray(IReadOnlyList<FuzzJson> Items) : FuzzJson
{
    public override void Write(StringBuilder json)
    {
        json.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            Items[i].Write(json);
        }
        json.Append(']');
    }
}

/// <summary>An object as a list, so a name may appear twice and order is kept.</summary>
public sealed record FuzzObject(List<(string Name, FuzzJson Value)> Fields) : FuzzJson
{
    public FuzzObject() : this([])
    {
    }

    public FuzzObject Set(string name, FuzzJson value)
    {
        var at = Fields.FindIndex(f => f.Name == name);
        if (at >= 0)
        {
            Fields[at] = (name, value);
        }
        else
        {
            Fields.Add((name, value));
        }
        return this;
    }

    public void Remove(string name) => Fields.RemoveAll(f => f.Name == name);

    public bool Has(string name) => Fields.Exists(f => f.Name == name);

    public FuzzObject Copy() => new([.. Fields]);

    public override void Write(StringBuilder json)
    {
        json.Append('{');
        for (var i = 0; i < Fields.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            WriteString(json, Fields[i].Name);
            json.Append(':');
            Fields[i].Value.Write(json);
        }
        json.Append('}');
    }
}
