-- Orleans ADO.NET grain storage provider 10.4.x on SQLite (Microsoft.Data.Sqlite).
--
-- Configure the provider with Invariant = "System.Data.SQLite": that is the only SQLite invariant
-- Orleans.Persistence.AdoNet 10.4.2 knows, and it loads Microsoft.Data.Sqlite.SqliteFactory.
-- ("Microsoft.Data.Sqlite" as an invariant is rejected as unsupported.)
--
-- Contract with the provider (checked against the 10.4.2 assembly):
--   * It reads its statements from OrleansQuery: WriteToStorageKey, ReadFromStorageKey,
--     ClearStorageKey (required) and DeleteStorageKey (required only with DeleteStateOnClear).
--   * Every query gets @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash (integers),
--     @GrainTypeString, @GrainIdExtensionString (text, may be NULL), @ServiceId (text).
--     Write, clear and delete also get @GrainStateVersion (integer, NULL = "never read a row");
--     write gets @PayloadBinary (blob). There are no JSON/XML payload parameters in Orleans 7+.
--   * Read returns columns PayloadBinary and Version (by name); NULL payload = "no state".
--   * Write/clear/delete return the new version as NewGrainStateVersion. The provider collects the
--     rows of ALL result sets of the batch and takes SingleOrDefault(), so a batch must produce
--     exactly one row on success and none on a lost race (none = InconsistentStateException).
--
-- Version (ETag) semantics: created at 1 by a write that sent no version; each later write or clear
-- must send the current version and moves it on by one; clear keeps the row with a NULL payload;
-- delete removes it.
--
-- How the batches work: each mutation is one statement (atomic on its own: SQLite has one writer
-- at a time, so INSERT ... WHERE NOT EXISTS cannot let two rows in), followed by a SELECT that
-- reports the result computed from the mutation itself via changes(), the number of rows the
-- connection's most recent INSERT/UPDATE/DELETE touched. A SELECT does not reset changes(), and an
-- INSERT or UPDATE that matches nothing sets it to 0. The new version is derived from the version
-- sent, never selected back from the table, so the batch yields at most one row per branch.

CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,  -- UTC, 'YYYY-MM-DD HH:MM:SS'
    Version                INTEGER NOT NULL
);

CREATE INDEX IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- In the query texts below, "GrainIdExtensionString IS @GrainIdExtensionString" is SQLite's
-- NULL-safe equality.

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'WriteToStorageKey', '
    UPDATE OrleansStorage
       SET PayloadBinary = @PayloadBinary,
           ModifiedOn = CURRENT_TIMESTAMP,
           Version = Version + 1
     WHERE @GrainStateVersion IS NOT NULL
       AND GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS @GrainIdExtensionString
       AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion
     WHERE @GrainStateVersion IS NOT NULL AND changes() > 0;

    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
           @ServiceId, @PayloadBinary, CURRENT_TIMESTAMP, 1
     WHERE @GrainStateVersion IS NULL
       AND NOT EXISTS
       (
           SELECT 1
           FROM OrleansStorage
           WHERE GrainIdHash = @GrainIdHash
             AND GrainTypeHash = @GrainTypeHash
             AND GrainIdN0 = @GrainIdN0
             AND GrainIdN1 = @GrainIdN1
             AND GrainTypeString = @GrainTypeString
             AND GrainIdExtensionString IS @GrainIdExtensionString
             AND ServiceId = @ServiceId
       );

    SELECT 1 AS NewGrainStateVersion
     WHERE @GrainStateVersion IS NULL AND changes() > 0;
'
),
(
    'ReadFromStorageKey', '
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS @GrainIdExtensionString
      AND ServiceId = @ServiceId
    ORDER BY Version DESC
    LIMIT 1;
'
),
(
    'ClearStorageKey', '
    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn = CURRENT_TIMESTAMP,
           Version = Version + 1
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS @GrainIdExtensionString
       AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion
     WHERE changes() > 0;
'
),
(
    'DeleteStorageKey', '
    DELETE FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS @GrainIdExtensionString
       AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion;

    SELECT @GrainStateVersion + 1 AS NewGrainStateVersion
     WHERE changes() > 0;
'
);
