using CsCheck;

namespace CharityDay.Integration.Tests.Errors.Fuzzing;

/// <summary>What a field holds, so the fuzzer knows which values are certainly wrong for it.</summary>
public enum FieldKind { Id, Text, Long, Bool, Instant, IdList, TimeOfDay, TimeZone, Status, Role, Currency, RatioRange }

/// <summary>A field of a request body as SPEC §4 names it: its kind, whether it is required, a valid value, and for numbers the range.</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, bool Required, FuzzJson Valid, long Min = 0, long Max = 0);

/// <summary>
/// Values that are wrong for a field whatever else the body holds: wrong types, numbers out of
/// range or not integers, ids outside [A-Za-z0-9._:-]{1,128}, free text with control or bidi
/// characters or of the wrong length, times without an offset. Never null for an optional field
/// (null means "not given", which is valid).
/// </summary>
public static class BadValues
{
    public static Gen<T> Any<T>(params Gen<T>[] gens) => Gen.Frequency(gens.Select(g => (1, (IGen<T>)g)).ToArray());

    /// <summary>
    /// Identifiers no request may carry (each also fits in a URL path once escaped). Not NUL:
    /// Kestrel refuses a %00 in the request target itself, with a bare 400 the app never sees.
    /// </summary>
    public static readonly string[] PathIds =
    [
        "", new string('a', 129), "a b", "a/b", "é", "a\n", "id\n", "a\u0001", "\u202Eab", "a%b", "a?b", "a#b", "a+b", "a,b", "😀", "a\t",
        "a;b", "a\"b", "<a>", "~user", "a*b", "a\u200Fb", "ａｂ", "a\u00A0b", "a\\b", "a=b", "a&b", "a'b",
    ];

    public static readonly string[] BodyIds = [.. PathIds, "a\u0000", "\uD800", "a\uDC00", 5.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\u2028"];

    private static readonly string[] ControlAndBidi =
    [
        "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F",
        "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C",
        "\u2028", "\u2029", "\uD800", "\uDBFF", "\uDC00", "\uDFFF",
    ];

    public static Gen<string> BadText =>
        Any(
            Gen.OneOf("", new string('a', 201), new string('捐', 201), string.Concat(Enumerable.Repeat("😀", 201)), new string('x', 5000)),
            Gen.Select(Gen.OneOf(ControlAndBidi), Gen.OneOf("", "Relief", "希望工程", "😀"), Gen.OneOf("", "Fund", "基金", " "), Gen.Int[0, 2],
                (bad, before, after, where) => where switch { 0 => bad + before + after, 1 => before + bad + after, _ => before + after + bad }),
            Gen.Select(Gen.OneOf(ControlAndBidi), Gen.Int[1, 199], (bad, pad) => new string('a', pad) + bad));

    public static Gen<string> BadId =>
        Any(Gen.OneOf(BodyIds), Gen.Select(Gen.OneOf(ControlAndBidi), Gen.OneOf("id", "donor-1", ""), (bad, id) => id + bad));

    public static readonly string[] BadInstants =
    [
        "2026-09-09T10:00:00", "2026-09-09T10:00:00.123", "2026-09-09 10:00:00", "2026-09-09T10:00", "2026-09-09T10:00Z",
        "2026-09-09", "10:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-09-09T25:00:00Z", "2026-09-09T10:60:00Z",
        "2026-09-09T10:00:61Z", "+002026-09-09T10:00:00Z", "2026-09-09T10:00:00+24:00", "2026-09-09T10:00:00+0800", "2026-09-09T10:00:00+8",
        "2026-09-09T10:00:00Z\n", " 2026-09-09T10:00:00Z", "2026-09-09T10:00:00.Z", "0000-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-14:00", "tomorrow", "09/10/2026", "1757383200", "", "2026-W37-3T10:00:00Z", "2026-09-09T10:00:00GMT",
        "２０２６-09-09T10:00:00Z", "2026-09-09T10:00:00\u0000Z",
    ];

    public static Gen<FuzzJson> WrongType(FieldKind kind)
    {
        var values = new List<FuzzJson>
        {
            FuzzJson.Raw("[]"), FuzzJson.Raw("{}"), FuzzJson.Raw("[1,2]"), FuzzJson.Raw("{\"a\":1}"), FuzzJson.Raw("[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]"),
        };
        if (kind is not (FieldKind.Long))
        {
            values.AddRange([FuzzJson.Num(0), FuzzJson.Num(-1), FuzzJson.Num(long.MaxValue), FuzzJson.Raw("1.5"), FuzzJson.Raw("1e400")]);
        }
        if (kind is not (FieldKind.Bool))
        {
            values.AddRange([FuzzJson.True, FuzzJson.False]);
        }
        if (kind is not (FieldKind.Id or FieldKind.Text or FieldKind.Instant or FieldKind.TimeOfDay or FieldKind.TimeZone or FieldKind.Status or FieldKind.Role or FieldKind.Currency))
        {
            values.AddRange([FuzzJson.Str("100"), FuzzJson.Str("true"), FuzzJson.Str("")]);
        }
        if (kind == FieldKind.IdList)
        {
            values.RemoveAll(v => v is FuzzRaw { Literal: "[]" or "[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]" });
        }
        if (kind == FieldKind.RatioRange)
        {
            values.RemoveAll(v => v is FuzzRaw { Literal: "{}" or "{\"a\":1}" });
        }
        return Gen.OneOf([.. values]);
    }

    /// <summary>A value certainly wrong for the field, whatever the rest of the body.</summary>
    public static Gen<FuzzJson> For(FieldSpec field)
    {
        var wrongType = WrongType(field.Kind);
        var specific = field.Kind switch
        {
            FieldKind.Id => BadId.Select(FuzzJson.Str),
            FieldKind.Text => BadText.Select(FuzzJson.Str),
            FieldKind.Long => Numbers(field.Min, field.Max),
            FieldKind.Bool => Gen.OneOf(FuzzJson.Num(1), FuzzJson.Num(0), FuzzJson.Str("true"), FuzzJson.Str("yes")),
            FieldKind.Instant => Gen.OneOf(BadInstants).Select(FuzzJson.Str),
            FieldKind.IdList => Any(
                Gen.OneOf(FuzzJson.Str("p1"), FuzzJson.Raw("[5]"), FuzzJson.Raw("[null]"), FuzzJson.Raw("[[\"p1\"]]"), FuzzJson.Raw("{\"0\":\"p1\"}")),
                BadId.Select(id => (FuzzJson)new FuzzArray([FuzzJson.Str(id)])),
                Gen.Select(BadId, Gen.Int[0, 3], (id, at) => (FuzzJson)new FuzzArray([.. Enumerable.Range(0, 4).Select(i => FuzzJson.Str(i == at ? id : $"ok-{i}"))]))),
            FieldKind.TimeOfDay => Gen.OneOf("24:00", "9:00", "10:00:00", "10:60", "", "10:00\n", "１０:００", "10.00", "-1:00", "T10:00", "10:00Z").Select(FuzzJson.Str),
            FieldKind.TimeZone => Gen.OneOf("Mars/Base", "China Standard Time", "", "UTC\n", "../../etc/passwd", "Asia/Shanghai\u0000", "Etc/GMT+99",
                "local", "+08:00", "/usr/share/zoneinfo/UTC", "Asia/Shanghai ", "\u202EAsia/Shanghai", new string('A', 300)).Select(FuzzJson.Str),
            FieldKind.Status => Gen.OneOf("paused", "OPEN", "open ", "", "opened", "closed\n", "Closed").Select(FuzzJson.Str),
            FieldKind.Role => Gen.OneOf("admin", "Manager", "", "partner\n", "root", "viewer ", "PARTNER").Select(FuzzJson.Str),
            FieldKind.Currency => Gen.OneOf("USD", "cny", "", "CNY\n", "CN¥", "RMB", "\u202ECNY", new string('C', 17)).Select(FuzzJson.Str),
            FieldKind.RatioRange => Gen.OneOf(
                "5000", "\"x\"", "{\"min\":6000,\"max\":5000}", "{\"min\":0,\"max\":5000}", "{\"min\":100}", "{\"max\":100}",
                "{\"min\":1,\"max\":100001}", "{\"min\":1,\"max\":2,\"mean\":3}", "{\"Min\":1,\"max\":2}", "{\"min\":\"1\",\"max\":2}",
                "{\"min\":1.5,\"max\":2}", "{\"min\":1,\"max\":2,\"min\":1}").Select(FuzzJson.Raw),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        return Gen.Frequency((1, (IGen<FuzzJson>)wrongType), (3, (IGen<FuzzJson>)specific));
    }

    private static Gen<FuzzJson> Numbers(long min, long max)
    {
        var literals = new List<string> { "1.5", "-0.5", "1e400", "-1e400", "1E-7", "0.0000001", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "123456789012345678901234567890" };
        if (min > long.MinValue)
        {
            literals.Add((min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            literals.Add(long.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (max < long.MaxValue)
        {
            literals.Add((max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            literals.Add(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var outside = max < long.MaxValue
            ? Gen.Long[max + 1, max + 1 + Math.Min(1_000_000_000_000L, long.MaxValue - max - 1)]
            : Gen.Long[long.MinValue, min - 1];
        return Any(Gen.OneOf([.. literals]).Select(FuzzJson.Raw), outside.Select(FuzzJson.Num), Gen.Long[long.MinValue, min - 1].Select(FuzzJson.Num));
    }

    /// <summary>A field name the endpoint does not take: a misspelling or another case of one it does, or something else entirely.</summary>
    public static Gen<string> UnknownName(IReadOnlyList<string> known)
    {
        var misspelt = Gen.Select(Gen.OneOf([.. known]), Gen.Int[0, 6], Gen.Int[0, 1000], (name, how, at) => how switch
        {
            0 => name + name[^1],
            1 => name.Length > 1 ? name.Remove(at % name.Length, 1) : name + "_",
            2 => char.ToUpperInvariant(name[0]) + name[1..],
            3 => name.ToUpperInvariant(),
            4 => name.ToLowerInvariant(),
            5 => name.Insert(at % name.Length, "_"),
            _ => name + " ",
        });
        var other = Gen.OneOf("foo", "__proto__", "constructor", "", " ", "\u0000", "naïve", "😀", new string('a', 300), "$type", "@id", "id",
            "partner", "\u202EdonationId", "amount\u0000", "pledgeIdX", "points_", "null", "true", "[]");
        return Gen.Frequency((3, (IGen<string>)misspelt), (1, (IGen<string>)other))
            .Select(name => known.Contains(name, StringComparer.Ordinal) ? name + "x" : name);
    }

    /// <summary>Any JSON value, for an unknown field (its value does not matter: its name is the error).</summary>
    public static Gen<FuzzJson> AnyValue =>
        Any(
            Gen.OneOf(FuzzJson.Null, FuzzJson.True, FuzzJson.Num(1), FuzzJson.Num(-1), FuzzJson.Raw("1e400"), FuzzJson.Str(""), FuzzJson.Str("x"),
                FuzzJson.Raw("[]"), FuzzJson.Raw("{}"), FuzzJson.Raw("{\"donationId\":\"x\"}")),
            BadText.Select(FuzzJson.Str),
            Gen.Int[1, 60].Select(depth => FuzzJson.Raw(new string('[', depth) + new string(']', depth))));
}
