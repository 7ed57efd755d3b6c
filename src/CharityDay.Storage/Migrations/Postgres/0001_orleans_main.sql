-- Orleans ADO.NET providers (Microsoft.Orleans.*.AdoNet 10.4.x), PostgreSQL: the query catalogue.
--
-- The providers never carry SQL of their own. At start-up each provider runs
--     SELECT QueryKey, QueryText FROM OrleansQuery [WHERE QueryKey = ...]
-- and from then on executes the text stored under each key, binding its parameters by name
-- (@DeploymentId, @GrainIdHash, ...). Result columns are read by name too, so a QueryText may be
-- rewritten freely as long as it keeps the parameter names, the result column names and the
-- meaning of the result. Later migrations add the rows each provider needs.
--
-- The table name and the two column names are fixed by the providers; nothing else here is.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
