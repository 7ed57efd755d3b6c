using System.Text.Json;
using CharityDay.Api.Auth;
using CharityDay.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CharityDay.Api.Admin;

/// <summary>Records every admin change: who (key id), when, what, before and after.</summary>
public sealed class AuditLog(ILedgerStore ledger, TimeProvider time, ILogger<AuditLog> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(Caller caller, string action, string entityType, string entityId, string? campaignId, object? before, object? after)
    {
        var entry = new AuditEntry(0, time.GetUtcNow(), caller.KeyId, campaignId, action, entityType, entityId,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json));
        await ledger.AppendAuditAsync(entry);
        logger.LogInformation("Audit: {KeyId} {Action} {EntityType} {EntityId}", caller.KeyId, action, entityType, entityId);
    }
}
