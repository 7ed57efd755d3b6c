using System.Text.Json.Nodes;
using CharityDay.Integration.Tests.Infrastructure;

namespace CharityDay.Integration.Tests.Errors;

/// <summary>
/// SPEC §4 strict input: a body field the contract does not name, a field name in the wrong case,
/// a timestamp without an offset, and free text with control or bidirectional characters or over
/// 200 characters are each a 400 that names the field, and (§3 invariant 5) change nothing.
/// </summary>
public abstract class StrictInputTests(Deployment deployment)
{
    private readonly ApiClient _api = deployment.Api();

    /// <summary>A campaign with a project, a pool, a partner and one accepted donation: what a bad request could disturb.</summary>
    private sealed record World(string Campaign, string Project, string Pool, string PartnerId, string PartnerKey, string Donation)
    {
        public string[] AdminPaths => [$"/v1/admin/campaigns/{Campaign}", $"/v1/admin/projects/{Project}", $"/v1/admin/pools/{Pool}"];

        public (string Path, string? Key)[] Reads(params string[] donationIds) =>
            [($"/v1/projects/{Project}", null), .. new[] { Donation }.Concat(donationIds).Select(id => ($"/v1/donations/{id}", (string?)PartnerKey))];
    }

    private async Task<World> WorldAsync()
    {
        var campaign = await _api.CreateCampaignAsync();
        var project = await _api.CreateProjectAsync(campaign);
        var pool = await _api.CreatePoolAsync(campaign, new() { ["budget"] = 10_000L });
        var (partnerId, key) = await _api.CreatePartnerAsync();
        var donation = ApiClient.NewId("d");
        ApiClient.Ensure(await _api.DonateAsync(key, donation, project, "donor-1", 100), 201);
        return new World(campaign, project, pool, partnerId, key, donation);
    }

    /// <summary>One request of each kind that takes a body, valid as it stands: the tests spoil one thing in it.</summary>
    private static (HttpMethod Method, string Path, JsonObject Body, bool Partner) Valid(World w, string kind) => kind switch
    {
        "donation" => (HttpMethod.Post, "/v1/donations", Donation(w, ApiClient.NewId("d")), true),
        "batch" => (HttpMethod.Post, "/v1/donations/batch", new JsonObject { ["donations"] = new JsonArray(Donation(w, ApiClient.NewId("d"))) }, true),
        "refund" => (HttpMethod.Post, $"/v1/donations/{w.Donation}/refund", new JsonObject(), true),
        "campaign" => (HttpMethod.Put, $"/v1/admin/campaigns/{w.Campaign}", new JsonObject
        {
            ["name"] = "Renamed", ["timeZone"] = "Asia/Shanghai", ["startsAt"] = "2026-09-01T00:00:00+08:00", ["endsAt"] = "2036-09-01T00:00:00Z",
        }, false),
        "project" => (HttpMethod.Put, $"/v1/admin/projects/{w.Project}", new JsonObject
        {
            ["campaignId"] = w.Campaign, ["name"] = "Renamed", ["organization"] = "Org", ["goal"] = 5000, ["status"] = "open",
        }, false),
        "pool-put" => (HttpMethod.Put, $"/v1/admin/pools/{w.Pool}", new JsonObject
        {
            ["campaignId"] = w.Campaign, ["sponsor"] = "S", ["budget"] = 20_000, ["ratioBps"] = 5000, ["perDonorDailyCap"] = 100,
            ["startsAt"] = "2026-09-01T00:00:00Z",
        }, false),
        "pool-patch" => (HttpMethod.Patch, $"/v1/admin/pools/{w.Pool}", new JsonObject { ["paused"] = true, ["ratioBps"] = 20_000 }, false),
        "pool-budget-delta" => (HttpMethod.Patch, $"/v1/admin/pools/{w.Pool}", new JsonObject { ["budgetDelta"] = 500 }, false),
        "partner" => (HttpMethod.Put, $"/v1/admin/partners/{w.PartnerId}", new JsonObject { ["name"] = "Renamed", ["rateLimit"] = 5000 }, false),
        "key" => (HttpMethod.Post, "/v1/admin/keys", new JsonObject { ["role"] = "manager", ["campaignIds"] = new JsonArray(w.Campaign) }, false),
        "clawback" => (HttpMethod.Post, $"/v1/admin/pools/{w.Pool}/clawback", new JsonObject { ["donorId"] = "donor-1", ["reason"] = "scripted" }, false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static JsonObject Donation(World w, string donationId) => new()
    {
        ["donationId"] = donationId, ["projectId"] = w.Project, ["donorId"] = "donor-2", ["amount"] = 300, ["currency"] = "CNY",
        ["occurredAt"] = "2026-09-09T10:00:00+08:00", ["teamId"] = "team-1", ["channel"] = "app",
    };

    public static TheoryData<string> Kinds => new()
    {
        "donation", "batch", "refund", "campaign", "project", "pool-put", "pool-patch", "pool-budget-delta", "partner", "key", "clawback",
    };

    private Task<ApiResponse> SendAsync(World w, (HttpMethod Method, string Path, JsonObject Body, bool Partner) request) =>
        _api.SendAsync(request.Method, request.Path, request.Body.ToJsonString(), request.Partner ? w.PartnerKey : Deployment.ManagerKey);

    /// <summary>Sends the request, checks it changed nothing, and returns the answer.</summary>
    private Task<ApiResponse> RejectedAsync(World w, (HttpMethod Method, string Path, JsonObject Body, bool Partner) request, params string[] donationIds) =>
        StateSnapshot.AssertUnchangedAsync(_api, w.Campaign, w.AdminPaths, w.Reads(donationIds), () => SendAsync(w, request));

    private static string[] DonationIdsIn(JsonObject body) =>
        body["donations"] is JsonArray items ? [.. items.Select(i => i!["donationId"]!.GetValue<string>())]
        : body["donationId"] is { } id ? [id.GetValue<string>()] : [];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_body_field_the_contract_does_not_name_is_400_naming_it_and_changes_nothing(string kind)
    {
        var w = await WorldAsync();
        var request = Valid(w, kind);
        request.Body["perDonorDailyCapp"] = 100;
        var response = await RejectedAsync(w, request, DonationIdsIn(request.Body));
        Problems.AssertBadRequest(response, "perDonorDailyCapp");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_same_request_without_the_unknown_field_is_accepted(string kind)
    {
        var w = await WorldAsync();
        var response = await SendAsync(w, Valid(w, kind));
        Assert.True(response.Code is 200 or 201, $"{kind}: {response}");
    }

    [Fact]
    public async Task A_misspelt_pool_cap_never_leaves_the_pool_uncapped_and_the_answer_suggests_the_field()
    {
        var w = await WorldAsync();
        var response = await RejectedAsync(w, (HttpMethod.Patch, $"/v1/admin/pools/{w.Pool}", new JsonObject { ["perDonorDailyCapp"] = 100 }, false));
        Problems.AssertBadRequest(response, "perDonorDailyCapp");
        Assert.Contains("did you mean perDonorDailyCap?", response["errors"]["perDonorDailyCapp"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await _api.GetPoolAsync(w.Pool)).Json!["perDonorDailyCap"]);
    }

    [Theory]
    [InlineData("pool-put", "ratioBps", "ratioBPS")]
    [InlineData("pool-patch", "ratioBps", "RatioBps")]
    [InlineData("pool-put", "perDonorDailyCap", "perdonordailycap")]
    [InlineData("donation", "donationId", "DonationId")]
    [InlineData("donation", "occurredAt", "occurredat")]
    [InlineData("campaign", "timeZone", "timezone")]
    [InlineData("project", "campaignId", "campaignID")]
    [InlineData("partner", "rateLimit", "ratelimit")]
    [InlineData("key", "campaignIds", "campaignIDs")]
    [InlineData("clawback", "reason", "Reason")]
    public async Task Field_names_are_case_sensitive(string kind, string field, string misCased)
    {
        var w = await WorldAsync();
        var request = Valid(w, kind);
        var value = request.Body[field]!.DeepClone();
        var donationIds = DonationIdsIn(request.Body);
        request.Body.Remove(field);
        request.Body[misCased] = value;
        var response = await RejectedAsync(w, request, donationIds);
        Problems.AssertBadRequest(response, misCased);
        Assert.Contains($"did you mean {field}?", response["errors"][misCased]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_item_with_an_unknown_field_fails_on_its_own()
    {
        var w = await WorldAsync();
        var (good1, bad, good2) = (ApiClient.NewId("d"), ApiClient.NewId("d"), ApiClient.NewId("d"));
        var spoilt = Donation(w, bad);
        spoilt["donorID"] = "donor-9";
        var batch = new JsonObject { ["donations"] = new JsonArray(Donation(w, good1), spoilt, Donation(w, good2)) };
        var response = await _api.PostBatchAsync(w.PartnerKey, batch.ToJsonString());
        ApiClient.Ensure(response, 200);
        var results = response["results"].AsArray();
        Assert.Equal(201, results[0]!["status"]!.GetValue<int>());
        Assert.Equal(400, results[1]!["status"]!.GetValue<int>());
        Assert.True(Problems.NamesField(results[1]!["error"]!, "donorID"), results[1]!.ToJsonString());
        Assert.Equal(201, results[2]!["status"]!.GetValue<int>());
        Problems.AssertProblem(await _api.GetDonationAsync(w.PartnerKey, bad), 404, "not-found", "donationId");
    }

    [Fact]
    public async Task A_batch_envelope_with_another_field_is_400_as_a_whole()
    {
        var w = await WorldAsync();
        var request = Valid(w, "batch");
        request.Body["donation"] = new JsonArray();
        var response = await RejectedAsync(w, request, DonationIdsIn(request.Body));
        Problems.AssertBadRequest(response, "donation");
    }

    public static TheoryData<string, string, string> OffsetlessTimes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var time in new[] { "2026-09-09T10:00:00", "2026-09-09T10:00:00.250", "2026-09-09 10:00:00", "2026-09-09T10:00" })
        {
            data.Add("donation", "occurredAt", time);
            data.Add("campaign", "startsAt", time);
            data.Add("pool-put", "startsAt", time);
            data.Add("pool-patch", "endsAt", time);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OffsetlessTimes))]
    public async Task A_timestamp_without_an_offset_is_400_not_read_as_utc(string kind, string field, string time)
    {
        var w = await WorldAsync();
        var request = Valid(w, kind);
        request.Body[field] = time;
        var response = await RejectedAsync(w, request, DonationIdsIn(request.Body));
        Problems.AssertBadRequest(response, field);
    }

    [Theory]
    [InlineData("2026-09-09T10:00Z")]
    [InlineData("2026-09-09T10:00:00Z\n")]
    [InlineData("2026-09-09T10:00:00+8:00")]
    [InlineData("2026-09-09T10:00:00+0800")]
    [InlineData("2026-09-09T10:00:00+24:00")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    [InlineData("2026-09-09")]
    public async Task A_timestamp_that_is_not_rfc_3339_is_400(string time)
    {
        var w = await WorldAsync();
        var request = Valid(w, "donation");
        request.Body["occurredAt"] = time;
        Problems.AssertBadRequest(await RejectedAsync(w, request, DonationIdsIn(request.Body)), "occurredAt");
    }

    [Theory]
    [InlineData("2026-09-09T10:00:00+08:00", "2026-09-09T02:00:00Z")]
    [InlineData("2026-09-09t02:00:00z", "2026-09-09T02:00:00Z")]
    [InlineData("2026-09-09T02:00:00.123-05:30", "2026-09-09T07:30:00.123Z")]
    [InlineData("2026-09-09 02:00:00Z", "2026-09-09T02:00:00Z")]
    public async Task A_timestamp_with_its_offset_is_accepted(string time, string utc)
    {
        var w = await WorldAsync();
        var campaign = ApiClient.NewId("c");
        var created = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", new { name = "Offsets", startsAt = time });
        Assert.True(created.Code == 201, created.ToString());
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), created["startsAt"].GetValue<DateTimeOffset>());
        var request = Valid(w, "donation");
        request.Body["occurredAt"] = time;
        var donation = await SendAsync(w, request);
        Assert.True(donation.Code == 201, donation.ToString());
    }

    public static TheoryData<string, string, string> BadTexts()
    {
        string[] texts =
        [
            "", "\u0000", "Relief\u0000", "two\nlines", "tab\there", "bell\u0007", "del\u007F", "next\u0085line", "c1\u009F",
            "\u202EfeileR", "a\u202Ab", "a\u202Bb", "a\u202Cb", "a\u202Db", "\u2066isolate\u2069", "a\u2067b", "a\u2068b", "mark\u200F", "mark\u200E",
            "arabic\u061Cmark", "line\u2028sep", "para\u2029sep", new string('a', 201), new string('捐', 201),
        ];
        var targets = new (string Kind, string Field)[]
        {
            ("campaign", "name"), ("project", "name"), ("project", "organization"), ("pool-put", "sponsor"), ("pool-patch", "sponsor"),
            ("partner", "name"), ("clawback", "reason"),
        };
        var data = new TheoryData<string, string, string>();
        for (var i = 0; i < texts.Length; i++)
        {
            // Every text against one target in turn, and the SPEC's example (a bidi override) against every target.
            var (kind, field) = targets[i % targets.Length];
            data.Add(kind, field, texts[i]);
        }
        foreach (var (kind, field) in targets)
        {
            data.Add(kind, field, "\u202Eevil");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadTexts))]
    public async Task Free_text_with_control_or_bidi_characters_or_outside_1_to_200_characters_is_400(string kind, string field, string text)
    {
        var w = await WorldAsync();
        var request = Valid(w, kind);
        request.Body[field] = text;
        Problems.AssertBadRequest(await RejectedAsync(w, request), field);
    }

    [Theory]
    [InlineData("campaign", "name")]
    [InlineData("project", "organization")]
    [InlineData("pool-put", "sponsor")]
    [InlineData("clawback", "reason")]
    public async Task Free_text_of_200_characters_is_accepted_however_many_utf16_units_they_take(string kind, string field)
    {
        foreach (var text in new[] { new string('a', 200), new string('捐', 200), string.Concat(Enumerable.Repeat("😀", 200)), "家庭 👩‍👩‍👧 family" })
        {
            var w = await WorldAsync();
            var request = Valid(w, kind);
            request.Body[field] = text;
            var response = await SendAsync(w, request);
            Assert.True(response.Code is 200 or 201, $"{kind}.{field} of {text.Length} UTF-16 units: {response}");
        }
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"x\\udc00\"")]
    [InlineData("\"\\ud83d\"")]
    [InlineData("\"\\ud83d\\u0041\"")]
    public async Task An_escaped_lone_surrogate_is_400_malformed_json_and_changes_nothing(string jsonString)
    {
        var w = await WorldAsync();
        var body = $$"""{"name":{{jsonString}}}""";
        var response = await StateSnapshot.AssertUnchangedAsync(_api, w.Campaign, w.AdminPaths, w.Reads(),
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{w.Campaign}", body));
        Problems.AssertProblem(response, 400, "malformed-json", "body");
        var inName = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{w.Campaign}", $$"""{"name":"C",{{jsonString}}:1}""");
        Problems.AssertProblem(inName, 400, "malformed-json", "body");
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_is_a_character_like_any_other()
    {
        var campaign = ApiClient.NewId("c");
        var response = await _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{campaign}", """{"name":"Smile \ud83d\ude00"}""");
        Assert.True(response.Code == 201, response.ToString());
        Assert.Equal("Smile 😀", response["name"].GetValue<string>());
    }

    [Fact]
    public async Task An_identifier_with_a_trailing_newline_is_400_in_a_body_and_in_a_path()
    {
        var w = await WorldAsync();
        var request = Valid(w, "project");
        request.Body["campaignId"] = w.Campaign + "\n";
        Problems.AssertBadRequest(await RejectedAsync(w, request), "campaignId");
        var donation = Valid(w, "donation");
        donation.Body["donorId"] = "donor-2\n";
        Problems.AssertBadRequest(await RejectedAsync(w, donation, DonationIdsIn(donation.Body)), "donorId");
        var inPath = await StateSnapshot.AssertUnchangedAsync(_api, w.Campaign, w.AdminPaths, w.Reads(),
            () => _api.Manager(HttpMethod.Put, $"/v1/admin/campaigns/{w.Campaign}%0A", new { name = "C" }));
        Problems.AssertBadRequest(inPath, "campaignId");
    }

    [Fact]
    public async Task A_daily_opening_time_with_a_trailing_newline_is_400()
    {
        var w = await WorldAsync();
        var request = Valid(w, "pool-patch");
        request.Body["dailyOpensAt"] = "10:00\n";
        Problems.AssertBadRequest(await RejectedAsync(w, request), "dailyOpensAt");
    }

    [Fact]
    public async Task A_refund_with_an_empty_object_or_no_body_refunds()
    {
        var w = await WorldAsync();
        var empty = await _api.SendAsync(HttpMethod.Post, $"/v1/donations/{w.Donation}/refund", "{}", w.PartnerKey);
        Assert.True(empty.Code == 200, empty.ToString());
        Assert.Equal("refunded", empty["status"].GetValue<string>());
        var again = await _api.RefundAsync(w.PartnerKey, w.Donation);
        Assert.True(again.Code == 200, again.ToString());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"reason\":")]
    [InlineData("{\"reason\":\"chargeback\"}")]
    public async Task A_refund_with_a_body_it_does_not_take_is_400_and_the_donation_stays(string body)
    {
        var w = await WorldAsync();
        var response = await StateSnapshot.AssertUnchangedAsync(_api, w.Campaign, w.AdminPaths, w.Reads(),
            () => _api.SendAsync(HttpMethod.Post, $"/v1/donations/{w.Donation}/refund", body, w.PartnerKey));
        Assert.True(response.Code == 400, response.ToString());
        Assert.Equal("accepted", (await _api.GetDonationAsync(w.PartnerKey, w.Donation))["status"].GetValue<string>());
    }
}

[Collection(EmbeddedCollection.Name)]
public sealed class EmbeddedStrictInputTests(EmbeddedDeployment deployment) : StrictInputTests(deployment);

[Collection(PostgresClusterCollection.Name)]
public sealed class PostgresStrictInputTests(PostgresClusterDeployment deployment) : StrictInputTests(deployment);
