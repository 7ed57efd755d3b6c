-- Orleans ADO.NET grain storage provider 10.4.x on PostgreSQL.
--
-- Contract with the provider (Orleans.Persistence.AdoNet 10.4.2, checked against the assembly):
--   * At start-up it reads the keys WriteToStorageKey, ReadFromStorageKey, ClearStorageKey (all
--     required) and DeleteStorageKey (required only with AdoNetGrainStorageOptions.DeleteStateOnClear).
--   * Every query gets @GrainIdHash (int4), @GrainIdN0, @GrainIdN1 (int8), @GrainTypeHash (int4),
--     @GrainTypeString, @GrainIdExtensionString (text, may be NULL), @ServiceId (text).
--     Write, clear and delete also get @GrainStateVersion (int4, NULL = "never read a row"), and
--     write gets @PayloadBinary (bytea). Orleans 7+ stores state through IGrainStorageSerializer
--     as bytes only: there are no @PayloadJson/@PayloadXml parameters any more, so a query that
--     names them fails; the old PayloadJson/PayloadXml columns are gone from this schema.
--   * Read returns columns PayloadBinary and Version (by name). A NULL payload means "no state";
--     the Version still becomes the grain's ETag.
--   * Write/clear/delete return the new version in their first column. The provider treats an
--     empty result, a NULL, or a value equal to the ETag it sent as a lost race and throws
--     InconsistentStateException. So: return a row only when the change really happened.
--
-- Version (ETag) semantics: a row is created with Version 1 by a write that sent no version; every
-- later write and every clear must send the current version and moves it on by one. Clear keeps the
-- row (payload NULL) so the version sequence continues; delete removes the row, and the grain's
-- next write starts again from "no version".
--
-- The grain identity is (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString,
-- GrainIdExtensionString, ServiceId). The index covers only the two hashes to stay narrow; the other
-- columns resolve hash collisions. There is no unique constraint (the full identity is too wide for a
-- btree entry), so the first write of a grain takes a transaction advisory lock on the hash pair
-- before its NOT EXISTS check; without it two activations racing on the first write under READ
-- COMMITTED could both insert, leaving the grain with two rows.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL,
    Version                integer     NOT NULL
);

CREATE INDEX IX_OrleansStorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Returns the new version, or NULL when the write lost (stale version, or a row already exists
-- for a write that sent no version).
CREATE FUNCTION orleans_write_to_storage(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_extension  text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_expected_version IS NOT NULL THEN
        UPDATE OrleansStorage
           SET PayloadBinary = p_payload,
               ModifiedOn = now(),
               Version = Version + 1
         WHERE GrainIdHash = p_grain_id_hash
           AND GrainTypeHash = p_grain_type_hash
           AND GrainIdN0 = p_grain_id_n0
           AND GrainIdN1 = p_grain_id_n1
           AND GrainTypeString = p_grain_type
           AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_extension
           AND ServiceId = p_service_id
           AND Version = p_expected_version;
        IF FOUND THEN
            RETURN p_expected_version + 1;
        END IF;
        RETURN NULL;
    END IF;

    -- First write of this grain. Serialise first writes of the same hash pair (two int4 keys: a
    -- different advisory-lock key space from the single bigint the migration runner uses); the
    -- INSERT below takes a fresh snapshot after the lock, so it sees a row committed by the winner.
    PERFORM pg_advisory_xact_lock(p_grain_id_hash, p_grain_type_hash);

    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_grain_extension,
           p_service_id, p_payload, now(), 1
    WHERE NOT EXISTS
    (
        SELECT 1
        FROM OrleansStorage
        WHERE GrainIdHash = p_grain_id_hash
          AND GrainTypeHash = p_grain_type_hash
          AND GrainIdN0 = p_grain_id_n0
          AND GrainIdN1 = p_grain_id_n1
          AND GrainTypeString = p_grain_type
          AND GrainIdExtensionString IS NOT DISTINCT FROM p_grain_extension
          AND ServiceId = p_service_id
    );
    IF FOUND THEN
        RETURN 1;
    END IF;
    RETURN NULL;
END;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'WriteToStorageKey', $q$
    SELECT orleans_write_to_storage(
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;
$q$
),
(
    'ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId
    ORDER BY Version DESC
    LIMIT 1;
$q$
),
(
    'ClearStorageKey', $q$
    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn = now(),
           Version = Version + 1
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$q$
),
(
    'DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
     WHERE GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND ServiceId = @ServiceId
       AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$
);
