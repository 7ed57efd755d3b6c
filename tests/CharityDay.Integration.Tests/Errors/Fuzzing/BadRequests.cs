using System.Text;
using CharityDay.Domain;
using CsCheck;
using static CharityDay.Integration.Tests.Errors.Fuzzing.BadValues;

namespace CharityDay.Integration.Tests.Errors.Fuzzing;

/// <summary>What the fuzzer may aim at: things that exist, and ids that are valid but never created.</summary>
public sealed record FuzzWorld(string Campaign, string Project, string Pool, string PartnerId, string Donation, string Prefix)
{
    public string[] Unknown(string kind) => [.. Enumerable.Range(0, 3).Select(i => $"{Prefix}-{kind}-{i}")];
}

/// <summary>One generated request, and in words what makes it bad (for the failure report).</summary>
public sealed record FuzzRequest(string Endpoint, HttpMethod Method, string Path, byte[]? Body, bool Partner, string Why)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Method} {Path} ({(Partner ? "partner" : "manager")} key) [{Why}] {(body.Length > 600 ? body[..600] + $"… ({Body!.Length} bytes)" : body)}";
    }
}

/// <summary>
/// Generates requests that SPEC §4 must refuse, for every endpoint: each carries at least one
/// thing certainly wrong (a bad id in the path, a body field that is unknown, missing, of the
/// wrong type or out of range, or a body that is not a JSON object at all), so any 2xx is a bug,
/// and so is any 5xx.
/// </summary>
public static class BadRequests
{
    /// <summary>One body-carrying endpoint: its fields (SPEC §4 and §3) and a valid body to spoil.</summary>
    private sealed record BodyEndpoint(string Name, HttpMethod Method, Gen<(string Path, bool Bad)> Path, FieldSpec[] Fields, bool Partner, long LimitBytes = 64 * 1024);

    private static FieldSpec Id(string name, bool required, string valid) => new(name, FieldKind.Id, required, FuzzJson.Str(valid));

    private static FieldSpec Text(string name, bool required, string valid) => new(name, FieldKind.Text, required, FuzzJson.Str(valid));

    private static FieldSpec Long(string name, bool required, long valid, long min, long max) => new(name, FieldKind.Long, required, FuzzJson.Num(valid), min, max);

    private static FieldSpec Instant(string name, string valid) => new(name, FieldKind.Instant, false, FuzzJson.Str(valid));

    private static FieldSpec[] Donation(FuzzWorld w, string donationId) =>
    [
        Id("donationId", true, donationId), Id("projectId", true, w.Project), Id("donorId", true, "fuzz-donor"),
        Long("amount", true, 100, Money.MinDonationFen, Money.MaxDonationFen),
        new("currency", FieldKind.Currency, false, FuzzJson.Str("CNY")), Instant("occurredAt", "2026-09-09T10:00:00+08:00"),
        Id("teamId", false, "team-1"), Id("channel", false, "app"),
    ];

    private static FieldSpec[] PoolFields(FuzzWorld w, bool patch) =>
    [
        Id("campaignId", !patch, w.Campaign), Text("sponsor", false, "Sponsor"), Long("budget", !patch, 10_000, 0, Money.MaxBudgetFen),
        Long("ratioBps", false, 10_000, Money.MinRatioBps, Money.MaxRatioBps),
        Long("perDonationCap", false, 500, 0, Money.MaxBudgetFen), Long("perDonorDailyCap", false, 500, 0, Money.MaxBudgetFen),
        Long("perDonorDailyCount", false, 3, 0, int.MaxValue), Long("perDonorMinuteCount", false, 5, 0, int.MaxValue),
        Long("perProjectCap", false, 5000, 0, Money.MaxBudgetFen), Long("dailyBudget", false, 5000, 0, Money.MaxBudgetFen),
        new("dailyOpensAt", FieldKind.TimeOfDay, false, FuzzJson.Str("10:00")), Long("minDonation", false, 1, 0, Money.MaxDonationFen),
        new("projectIds", FieldKind.IdList, false, new FuzzArray([FuzzJson.Str(w.Project)])),
        Instant("startsAt", "2026-09-01T00:00:00+08:00"), Instant("endsAt", "2036-09-01T00:00:00Z"),
        Long("priority", false, 1, -1_000_000, 1_000_000), new("paused", FieldKind.Bool, false, FuzzJson.False),
        new("randomRatioBps", FieldKind.RatioRange, false, FuzzJson.Raw("{\"min\":5000,\"max\":20000}")),
        .. patch ? new[] { Long("budgetDelta", false, 100, -Money.MaxBudgetFen, Money.MaxBudgetFen) } : [],
    ];

    /// <summary>A path id: half the time one that exists or is merely unknown, else one no request may carry.</summary>
    private static Gen<(string Segment, bool Bad)> PathId(params string[] valid) =>
        Gen.Frequency(
            (2, (IGen<(string, bool)>)Gen.OneOf(PathIds).Select(id => (Uri.EscapeDataString(id), true))),
            (3, (IGen<(string, bool)>)Gen.OneOf(valid).Select(id => (id, false))));

    private static Gen<(string Path, bool Bad)> Under(Gen<(string Segment, bool Bad)> id, string before, string after = "") =>
        id.Select(x => (before + x.Segment + after, x.Bad));

    private static BodyEndpoint[] BodyEndpoints(FuzzWorld w) =>
    [
        new("donation", HttpMethod.Post, Gen.Const(("/v1/donations", false)), Donation(w, w.Unknown("d")[0]), Partner: true),
        new("refund", HttpMethod.Post, Under(PathId([w.Donation, .. w.Unknown("d")]), "/v1/donations/", "/refund"), [], Partner: true),
        new("campaign", HttpMethod.Put, Under(PathId([w.Campaign, .. w.Unknown("c")]), "/v1/admin/campaigns/"),
        [
            Text("name", true, "Campaign"), new("timeZone", FieldKind.TimeZone, false, FuzzJson.Str("Asia/Shanghai")),
            Instant("startsAt", "2026-09-01T00:00:00+08:00"), Instant("endsAt", "2036-09-01T00:00:00Z"),
        ], Partner: false),
        new("project", HttpMethod.Put, Under(PathId([w.Project, .. w.Unknown("p")]), "/v1/admin/projects/"),
        [
            Id("campaignId", true, w.Campaign), Text("name", true, "Project"), Text("organization", false, "Org"),
            Id("parentProjectId", false, w.Project), Long("goal", false, 100_000, 0, Money.MaxBudgetFen),
            new("status", FieldKind.Status, false, FuzzJson.Str("open")),
        ], Partner: false),
        new("pool-put", HttpMethod.Put, Under(PathId([w.Pool, .. w.Unknown("pool")]), "/v1/admin/pools/"), PoolFields(w, patch: false), Partner: false),
        new("pool-patch", HttpMethod.Patch, Under(PathId([w.Pool, .. w.Unknown("pool")]), "/v1/admin/pools/"), PoolFields(w, patch: true), Partner: false),
        new("clawback", HttpMethod.Post, Under(PathId([w.Pool, .. w.Unknown("pool")]), "/v1/admin/pools/", "/clawback"),
            [Id("donorId", true, "fuzz-donor"), Text("reason", true, "scripted account")], Partner: false),
        new("partner", HttpMethod.Put, Under(PathId([w.PartnerId, .. w.Unknown("partner")]), "/v1/admin/partners/"),
            [Text("name", true, "Partner"), Long("rateLimit", false, 1000, 1, 10_000_000)], Partner: false),
        new("key", HttpMethod.Post, Gen.Const(("/v1/admin/keys", false)),
        [
            new("role", FieldKind.Role, true, FuzzJson.Str("manager")), Id("partnerId", false, w.PartnerId),
            new("campaignIds", FieldKind.IdList, false, new FuzzArray([FuzzJson.Str(w.Campaign)])),
        ], Partner: false),
    ];

    private abstract record Mutation(string Why)
    {
        public abstract void Apply(FuzzObject body);
    }

    private sealed record SetField(string Name, FuzzJson Value, string Reason) : Mutation($"{Name}: {Reason}")
    {
        public override void Apply(FuzzObject body) => body.Set(Name, Value);
    }

    private sealed record AddField(string Name, FuzzJson Value) : Mutation($"unknown field '{Name}'")
    {
        // Added as written even if a field of that name is there: the names never match a known one.
        public override void Apply(FuzzObject body) => body.Fields.Add((Name, Value));
    }

    private sealed record RemoveField(string Name) : Mutation($"{Name}: missing")
    {
        public override void Apply(FuzzObject body) => body.Remove(Name);
    }

    private sealed record SetFields(string Reason, (string Name, FuzzJson Value)[] Values) : Mutation(Reason)
    {
        public override void Apply(FuzzObject body)
        {
            foreach (var (name, value) in Values)
            {
                body.Set(name, value);
            }
        }
    }

    /// <summary>One certain error for a body with these fields.</summary>
    private static Gen<Mutation> Mutations(BodyEndpoint endpoint)
    {
        var fields = endpoint.Fields;
        var known = fields.Select(f => f.Name).ToArray();
        var options = new List<(int, IGen<Mutation>)>
        {
            (3, Gen.Select(UnknownName(known.Length == 0 ? ["reason", "donationId"] : known), AnyValue, (name, value) => (Mutation)new AddField(name, value))),
        };
        if (fields.Length > 0)
        {
            options.Add((5, Gen.OneOf(fields).SelectMany(f => For(f).Select(v => (Mutation)new SetField(f.Name, v, "bad value")))));
        }
        var required = fields.Where(f => f.Required).ToArray();
        if (required.Length > 0)
        {
            options.Add((1, Gen.OneOf(required).Select(f => (Mutation)new RemoveField(f.Name))));
            options.Add((1, Gen.OneOf(required).Select(f => (Mutation)new SetField(f.Name, FuzzJson.Null, "null"))));
        }
        if (known.Contains("startsAt"))
        {
            options.Add((1, Gen.OneOf(("2026-09-10T00:00:00Z", "2026-09-10T00:00:00Z"), ("2026-09-10T08:00:00+08:00", "2026-09-09T23:00:00Z"))
                .Select(t => (Mutation)new SetFields("endsAt not after startsAt", [("startsAt", FuzzJson.Str(t.Item1)), ("endsAt", FuzzJson.Str(t.Item2))]))));
        }
        if (known.Contains("randomRatioBps"))
        {
            options.Add((1, Gen.Const((Mutation)new SetFields("ratioBps and randomRatioBps", [("ratioBps", FuzzJson.Num(10_000)), ("randomRatioBps", FuzzJson.Raw("{\"min\":1,\"max\":2}"))]))));
        }
        if (known.Contains("budgetDelta"))
        {
            options.Add((1, Gen.Const((Mutation)new SetFields("budget and budgetDelta", [("budget", FuzzJson.Num(10)), ("budgetDelta", FuzzJson.Num(10))]))));
        }
        return Gen.Frequency([.. options]);
    }

    /// <summary>The body as a whole is not a JSON object the endpoint can read.</summary>
    private static Gen<(Func<byte[], byte[]> Spoil, string Why)> Corruptions(long limitBytes) =>
        Gen.Frequency<(Func<byte[], byte[]>, string)>(
            (3, Gen.Int[0, int.MaxValue].Select(at => ((Func<byte[], byte[]>)(b => b[..(1 + at % Math.Max(1, b.Length - 1))]), "truncated"))),
            (2, Gen.OneOf("[]", "\"x\"", "1", "null", "true", " ", "\t\r\n", "[{}]", "{}{}", "{} x", "{\"a\":1,}", "{'a':1}", "{a:1}",
                "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":0x10}", "{\"a\":01}", "{\"a\":+1}", "/*c*/{}", "{\"a\":1}//c", "{\"a\":\"\\x41\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"tab\there\"}", "\u00EF\u00BB\u00BF{", "{\"a\":1}\u0000")
                .Select(text => ((Func<byte[], byte[]>)(_ => Encoding.UTF8.GetBytes(text)), $"not an object: {text}"))),
            (2, Gen.Select(Gen.Int[0, int.MaxValue], Gen.OneOf<byte[]>([0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE4, 0xB8], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]),
                (at, bad) => ((Func<byte[], byte[]>)(b => [.. b[..(at % b.Length)], .. bad, .. b[(at % b.Length)..]]), "invalid UTF-8"))),
            (1, Gen.Int[65, 400].Select(depth => ((Func<byte[], byte[]>)(b => [.. b[..^1], .. Encoding.UTF8.GetBytes((b.Length > 2 ? "," : "") + "\"deep\":" + new string('[', depth) + new string(']', depth) + "}")]), $"nested {depth} deep"))),
            (1, Gen.Const(((Func<byte[], byte[]>)(b => [.. b[..^1], .. Encoding.UTF8.GetBytes((b.Length > 2 ? "," : "") + "\"pad\":\"" + new string('x', (int)limitBytes) + "\"}")]), "over the size limit"))));

    /// <summary>A body endpoint's request: a path, a valid body with some optional fields, then at least one certain error.</summary>
    private static Gen<FuzzRequest> BodyRequest(BodyEndpoint endpoint, Func<FuzzObject, FuzzObject>? wrap = null) =>
        from path in endpoint.Path
        from optional in Gen.Bool.Array[endpoint.Fields.Length]
        from corrupt in Gen.Int[0, 5]
        from corruption in Corruptions(endpoint.LimitBytes)
        from count in Gen.Int[path.Bad || corrupt == 0 ? 0 : 1, 3]
        from mutations in Mutations(endpoint).Array[count]
        from escapePairs in Gen.Bool
        select Build(endpoint, path, optional, corrupt == 0 ? corruption : null, mutations, wrap);

    private static FuzzRequest Build(BodyEndpoint endpoint, (string Path, bool Bad) path, bool[] optional,
        (Func<byte[], byte[]> Spoil, string Why)? corruption, Mutation[] mutations, Func<FuzzObject, FuzzObject>? wrap)
    {
        var body = new FuzzObject();
        for (var i = 0; i < endpoint.Fields.Length; i++)
        {
            var field = endpoint.Fields[i];
            // randomRatioBps and ratioBps together are an error; parentProjectId would need a second project.
            if ((field.Required || optional[i]) && field.Name is not ("randomRatioBps" or "parentProjectId" or "budgetDelta" or "partnerId"))
            {
                body.Set(field.Name, field.Valid);
            }
        }
        foreach (var mutation in mutations)
        {
            mutation.Apply(body);
        }
        var json = wrap?.Invoke(body) ?? body;
        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        var why = new List<string>();
        if (path.Bad)
        {
            why.Add("bad id in the path");
        }
        why.AddRange(mutations.Select(m => m.Why));
        if (corruption is { } c)
        {
            bytes = c.Spoil(bytes);
            why.Add(c.Why);
        }
        return new FuzzRequest(endpoint.Name, endpoint.Method, path.Path, bytes, endpoint.Partner, string.Join("; ", why));
    }

    /// <summary>A batch: the envelope spoilt, or 1–5 items each certainly bad on its own (each must fail alone).</summary>
    private static Gen<FuzzRequest> Batch(FuzzWorld w)
    {
        var item = new BodyEndpoint("batch", HttpMethod.Post, Gen.Const(("/v1/donations/batch", false)), Donation(w, w.Unknown("d")[1]), Partner: true);
        var itemGen =
            from optional in Gen.Bool.Array[item.Fields.Length]
            from count in Gen.Int[1, 3]
            from mutations in Mutations(item).Array[count]
            from notObject in Gen.Int[0, 12]
            select notObject == 0
                ? (Json: FuzzJson.Raw("\"not an object\""), Why: "item not an object")
                : (Json: (FuzzJson)BuildObject(item, optional, mutations), Why: string.Join(", ", mutations.Select(m => m.Why)));
        var items =
            from list in itemGen.Array[1, 5]
            select new FuzzRequest("batch", HttpMethod.Post, "/v1/donations/batch",
                Encoding.UTF8.GetBytes(new FuzzObject().Set("donations", new FuzzArray([.. list.Select(i => i.Json)])).ToString()), true,
                "items: " + string.Join(" | ", list.Select(i => i.Why)));
        var envelope = new BodyEndpoint("batch", HttpMethod.Post, Gen.Const(("/v1/donations/batch", false)),
            [new("donations", FieldKind.IdList, true, new FuzzArray([]))], Partner: true, LimitBytes: 2 * 1024 * 1024 + 1);
        var spoiltEnvelope = Gen.Frequency(
            (3, (IGen<FuzzRequest>)BodyRequest(envelope with { Fields = [] }, body => body.Set("donations", new FuzzArray([])))),
            (2, (IGen<FuzzRequest>)Gen.OneOf("{}", "{\"donations\":{}}", "{\"donations\":null}", "{\"donations\":\"x\"}", "{\"donations\":[]}", "{\"Donations\":[]}",
                "{\"donations\":[],\"donations\":[]}", "{\"donations\":[{}],\"extra\":1}", "{\"donation\":[{}]}")
                .Select(text => new FuzzRequest("batch", HttpMethod.Post, "/v1/donations/batch", Encoding.UTF8.GetBytes(text), true, "bad envelope"))),
            (1, (IGen<FuzzRequest>)Gen.Int[1001, 1003].Select(n => new FuzzRequest("batch", HttpMethod.Post, "/v1/donations/batch",
                Encoding.UTF8.GetBytes("{\"donations\":[" + string.Join(",", Enumerable.Repeat("{}", n)) + "]}"), true, $"{n} items"))));
        return Gen.Frequency((3, (IGen<FuzzRequest>)items), (1, (IGen<FuzzRequest>)spoiltEnvelope));
    }

    private static FuzzObject BuildObject(BodyEndpoint endpoint, bool[] optional, Mutation[] mutations)
    {
        var body = new FuzzObject();
        for (var i = 0; i < endpoint.Fields.Length; i++)
        {
            if (endpoint.Fields[i].Required || optional[i])
            {
                body.Set(endpoint.Fields[i].Name, endpoint.Fields[i].Valid);
            }
        }
        foreach (var mutation in mutations)
        {
            mutation.Apply(body);
        }
        return body;
    }

    /// <summary>Reads: an id in the path that is bad or merely unknown, or a bad query value.</summary>
    private static Gen<FuzzRequest> Reads(FuzzWorld w)
    {
        // listed: the path without an id is a listing (GET /v1/admin/campaigns/ lists campaigns), so no empty id there.
        Gen<FuzzRequest> Get(string name, string before, string after, string[] unknown, bool partner = false, HttpMethod? method = null, bool listed = false) =>
            PathId(unknown).Where(p => !listed || p.Segment.Length > 0).Select(p => new FuzzRequest(name, method ?? HttpMethod.Get, before + p.Segment + after, null, partner, p.Bad ? "bad id" : "unknown id"));
        // Plain values are escaped; the second list is already a query's bytes (two tops, raw NUL, invalid UTF-8).
        var badTop = Gen.Frequency(
            (3, (IGen<string>)Gen.OneOf("0", "-1", "1001", "100000000000", "abc", "1.5", "1e3", "", "1\n", "９", "+5", " 5", "5 ", "0x10", "NaN", "5\u0000", "\u202E5")
                .Select(Uri.EscapeDataString)),
            (1, (IGen<string>)Gen.OneOf("%00", "%FF", "1&top=2", "%C0%AF", "5&top=")));
        var badCampaignQuery = Gen.OneOf(PathIds.Where(id => id.Length > 0).ToArray()).Select(Uri.EscapeDataString);
        return Gen.Frequency(
            (2, (IGen<FuzzRequest>)Get("donation-get", "/v1/donations/", "", w.Unknown("d"), partner: true)),
            (1, (IGen<FuzzRequest>)Get("pool-get", "/v1/admin/pools/", "", w.Unknown("pool"))),
            (1, (IGen<FuzzRequest>)Get("campaign-get", "/v1/admin/campaigns/", "", w.Unknown("c"), listed: true)),
            (1, (IGen<FuzzRequest>)Get("project-get", "/v1/admin/projects/", "", w.Unknown("p"))),
            (1, (IGen<FuzzRequest>)Get("placement", "/v1/admin/campaigns/", "/placement", w.Unknown("c"))),
            (1, (IGen<FuzzRequest>)Get("key-delete", "/v1/admin/keys/", "", w.Unknown("key"), method: HttpMethod.Delete)),
            (1, (IGen<FuzzRequest>)Get("public-project", "/v1/projects/", "", w.Unknown("p"))),
            (1, (IGen<FuzzRequest>)Get("public-campaign", "/v1/campaigns/", "", w.Unknown("c"))),
            (1, (IGen<FuzzRequest>)Gen.Select(PathId([w.Campaign, .. w.Unknown("c")]), badTop, (p, top) =>
                new FuzzRequest("leaderboard", HttpMethod.Get, $"/v1/campaigns/{p.Segment}/leaderboard?top={top}", null, false, $"top={top}"))),
            (1, (IGen<FuzzRequest>)badCampaignQuery.Select(id => new FuzzRequest("audit", HttpMethod.Get, $"/v1/admin/audit?campaignId={id}", null, false, "bad campaignId"))));
    }

    /// <summary>Every endpoint, weighted towards the ones with the most fields.</summary>
    public static Gen<FuzzRequest> Any(FuzzWorld w)
    {
        var endpoints = BodyEndpoints(w);
        var weight = new Dictionary<string, int> { ["donation"] = 4, ["pool-put"] = 3, ["pool-patch"] = 3, ["refund"] = 1, ["clawback"] = 1, ["key"] = 1, ["partner"] = 1 };
        var options = endpoints.Select(e => (weight.GetValueOrDefault(e.Name, 2), (IGen<FuzzRequest>)BodyRequest(e))).ToList();
        options.Add((3, Batch(w)));
        options.Add((3, Reads(w)));
        return Gen.Frequency([.. options]);
    }
}
