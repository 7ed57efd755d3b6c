namespace CharityDay.Api.OpenApi;

/// <summary>
/// Every problem <c>type</c> the API answers (RFC 9457), for the OpenAPI document: a partner's code
/// switches on these, so they are a contract. A new type gets its line here; a test fails when a
/// type in the source is missing from this list.
/// </summary>
public static class ProblemTypes
{
    public sealed record Entry(string Name, int Status, string Title, string When);

    public static readonly IReadOnlyList<Entry> All =
    [
        new("invalid-request", 400, "The request has invalid fields.", "A body field, path or query parameter or header is missing, malformed, out of range, or not one this request takes; `field` names it."),
        new("malformed-json", 400, "The request body is not valid JSON.", "The body does not parse as one JSON object."),
        new("bad-request", 400, "Bad Request", "The server refused the request before it reached the API (e.g. a malformed header)."),
        new("unauthorized", 401, "Missing or invalid API key.", "No `Authorization: Bearer <key>`, or a key that is unknown or revoked."),
        new("forbidden", 403, "The API key may not do this.", "The key's role may not call the endpoint, or a manager key's campaigns do not include the campaign."),
        new("not-found", 404, "Not found.", "An unknown project, campaign, pool, partner, key or donation; also an unknown path."),
        new("method-not-allowed", 405, "Method Not Allowed", "The path exists, but not with this method."),
        new("conflict", 409, "Conflict with an existing resource.", "The request contradicts what exists (a project or pool cannot change campaign; a seed before the pool ended)."),
        new("idempotency-conflict", 409, "The Idempotency-Key belongs to another request.", "A donationId, or an admin write's Idempotency-Key, first used with another payload."),
        new("receipt-not-sealed", 409, "The donation's checkpoint is not sealed yet.", "A receipt asked for before the donation's checkpoint is sealed; `Retry-After` says when to ask again."),
        new("pledge-already-charged", 409, "The pledge was already charged this month.", "A donation naming a pledge whose month's charge is in already."),
        new("precondition-failed", 412, "The resource changed since it was read.", "An If-Match that no longer matches the settings' ETag."),
        new("payload-too-large", 413, "The request body is too large.", "The body is over the endpoint's limit."),
        new("project-closed", 422, "The project is closed.", "A donation to a project whose status is closed."),
        new("unsupported-currency", 422, "Only CNY donations are accepted.", "A donation in another currency."),
        new("pledge-mismatch", 422, "The gift does not match an active pledge.", "A donation naming a pledge that is unknown, cancelled, or for another project, donor or amount."),
        new("points-not-convertible", 422, "No conversion pool can pay for these points.", "A points gift whose programme has no pool that can pay a fen now (none, paused, outside its window, budget or caps used up): nothing is recorded."),
        new("spent-out-of-bounds", 422, "The project's spent would leave [0, raised + matched].", "A use-of-funds report that would take the project's total spent below 0 or above what its fundraising brought (raised + matched, net of refunds)."),
        new("refund-exceeds-unspent", 422, "The project has already reported spending this money.", "A refund that would leave the project's raised + matched below what it reported spending: file a correcting report first."),
        new("clawback-exceeds-unspent", 422, "A project has already reported spending this money.", "A clawback that would leave a project's raised + matched below what it reported spending: file a correcting report first."),
        new("configured-key", 422, "The bootstrap key is configuration, not data.", "Revoking the bootstrap manager key (remove it from the configuration instead)."),
        new("rate-limited", 429, "The partner's rate limit is exceeded.", "The partner is past its donations per second; `Retry-After` says when to retry."),
        new("batch-over-rate-limit", 429, "The batch is larger than the partner's rate limit.", "A batch of more donations than the partner's whole per-second limit: split it."),
        new("public-rate-limited", 429, "Too many public reads from this client.", "The optional per-client limit on public reads."),
        new("overloaded", 429, "The service is shedding load; retry later.", "A campaign's write queue is full; retry with the same ids after `Retry-After`."),
        new("internal-error", 500, "Internal error.", "An unexpected error; retry with the same ids or Idempotency-Key."),
        new("unavailable", 503, "The service cannot take this request now.", "Storage or the cluster is briefly unavailable; retry with the same ids or Idempotency-Key after `Retry-After`."),
        new("http-error", 0, "(the status's reason phrase)", "Any other HTTP status the server answers without a body of its own."),
    ];

    public static string Uri(string name) => Http.ApiProblem.TypeBase + name;
}
