-- Orleans ADO.NET clustering (membership) provider 10.4.x on PostgreSQL.
--
-- Contract with the provider (Orleans.Clustering.AdoNet 10.4.2, checked against the assembly):
--   * It loads every OrleansQuery row and refuses to start unless these keys exist:
--       InsertMembershipVersionKey, InsertMembershipKey, UpdateMembershipKey, UpdateIAmAlivetimeKey,
--       MembershipReadRowKey, MembershipReadAllKey, GatewaysQueryKey,
--       DeleteMembershipTableEntriesKey, CleanupDefunctSiloEntriesKey.
--     CleanupDefunctSiloEntryKey is optional; when present the provider prunes dead silos one row
--     at a time with it instead of using CleanupDefunctSiloEntriesKey.
--   * Parameters it binds (all by name): @DeploymentId (text), @Address (text), @Port, @Generation,
--     @Status, @ProxyPort, @Version (int4), @SiloName, @HostName, @SuspectTimes (text),
--     @StartTime, @IAmAliveTime (timestamptz: DateTime of kind UTC).
--     It does NOT bind @MetadataJson (a newer upstream column), so no query here may use it.
--   * Insert/Update/InsertVersion must return exactly one row with one column that converts to a
--     boolean: non-zero = the write happened. "0" must mean nothing changed at all.
--   * The table version (ETag) is OrleansMembershipVersionTable.Version: every membership write
--     must name the version it read, and succeeds only if that is still the current one, bumping it
--     in the same transaction. Heartbeats (UpdateIAmAlivetimeKey) do not touch the version.
--   * MembershipRead* return one row per member plus, when there are no members, one row with only
--     the version (hence the LEFT JOIN from the version table); StartTime NULL marks "no member".
--
-- SiloStatus values used below: 3 = Active, 6 = Dead.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Adds a silo row and bumps the table version, both or neither.
-- Returns 1 on success, 0 when the expected version is stale or the silo row already exists.
-- The version row is updated first: its row lock serialises all membership writes of a deployment.
-- The exception block is a subtransaction, so a duplicate silo row also undoes the version bump
-- (this does not depend on plpgsql.check_asserts, unlike an ASSERT-based rollback).
CREATE FUNCTION orleans_insert_membership(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_silo_name       text,
    p_host_name       text,
    p_status          integer,
    p_proxy_port      integer,
    p_start_time      timestamptz,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version
       AND Version < 2147483647;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
         p_start_time, p_i_am_alive_time);
    RETURN 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN 0;
END;
$$;

-- Changes a silo's status and suspicions and bumps the table version, both or neither.
-- Returns 1 on success, 0 when the expected version is stale or the silo row does not exist.
-- IAmAliveTime never moves backwards: the caller may carry a value read before a later heartbeat.
CREATE FUNCTION orleans_update_membership(
    p_deployment_id   text,
    p_address         text,
    p_port            integer,
    p_generation      integer,
    p_status          integer,
    p_suspect_times   text,
    p_i_am_alive_time timestamptz,
    p_version         integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           Timestamp = now()
     WHERE DeploymentId = p_deployment_id
       AND Version = p_version
       AND Version < 2147483647;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
       SET Status = p_status,
           SuspectTimes = p_suspect_times,
           IAmAliveTime = GREATEST(IAmAliveTime, p_i_am_alive_time)
     WHERE DeploymentId = p_deployment_id
       AND Address = p_address
       AND Port = p_port
       AND Generation = p_generation;
    IF NOT FOUND THEN
        -- Undo the version bump: leave the block through its exception handler.
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END;
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'InsertMembershipVersionKey', $q$
    WITH inserted AS
    (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM inserted;
$q$
),
(
    'InsertMembershipKey', $q$
    SELECT orleans_insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$
),
(
    'UpdateMembershipKey', $q$
    SELECT orleans_update_membership(
        @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$
),
(
    'UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
       SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
     WHERE DeploymentId = @DeploymentId
       AND Address = @Address
       AND Port = @Port
       AND Generation = @Generation;
$q$
),
(
    'MembershipReadRowKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
           ON m.DeploymentId = v.DeploymentId
          AND m.Address = @Address
          AND m.Port = @Port
          AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
$q$
),
(
    'MembershipReadAllKey', $q$
    SELECT
        v.DeploymentId,
        m.Address,
        m.Port,
        m.Generation,
        m.SiloName,
        m.HostName,
        m.Status,
        m.ProxyPort,
        m.SuspectTimes,
        m.StartTime,
        m.IAmAliveTime,
        v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
           ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
$q$
),
(
    'GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Status = @Status
      AND ProxyPort > 0;
$q$
),
(
    'DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$
),
(
    -- Bulk pruning, used only when CleanupDefunctSiloEntryKey is missing: dead silos that stopped
    -- before the cut-off and carry no suspicion votes. The table version is left alone.
    'CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Status = 6
      AND IAmAliveTime < @IAmAliveTime
      AND StartTime < @IAmAliveTime
      AND COALESCE(SuspectTimes, '') = '';
$q$
),
(
    -- Per-row pruning: the provider read the table, picked a dead silo that is old enough, and passes
    -- back the values it saw. The row goes only if it is still exactly that row.
    'CleanupDefunctSiloEntryKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId
      AND Address = @Address
      AND Port = @Port
      AND Generation = @Generation
      AND Status = 6
      AND StartTime = @StartTime
      AND IAmAliveTime = @IAmAliveTime
      AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$
);
