-- Data protection: an audit trail no one can rewrite, that also records
-- who looked at whose record and from where; erasure, restriction of
-- processing and retention of a person's record; and the addresses of
-- erased people, kept only as hashes, so they match no one. The SQLite
-- migration of the same number makes the same change; change both together.

-- +goose Up

-- audit_events.address: the client address (read through the trusted
-- proxies) of a person looking at a record in the inbox; '' otherwise.
ALTER TABLE audit_events ADD COLUMN address text NOT NULL DEFAULT '';
CREATE INDEX audit_events_scheme_at ON audit_events (scheme_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at) WHERE actor_id IS NOT NULL;

-- The audit trail never carries free text a person or link worker wrote
-- (it could not be erased): the reason support ended stays on the person.
UPDATE audit_events SET detail = detail - 'reason' WHERE action = 'person.support_ended';

-- audit_events is append-only: a row, once written, cannot be changed or
-- deleted, whichever role the application connects as. Only a superuser
-- who drops or disables the trigger could; that needs a schema change,
-- which leaves its own trace in the server's log.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: its rows cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- people.erased_at: the person's record was erased; the row stays as a
-- tombstone with no personal data (ids, scheme, dates, needs, scores).
-- people.restricted_at: processing is restricted: the record is kept but
-- nothing is sent to them. people.purged_at: retention has removed the
-- free text of their record.
ALTER TABLE people ADD COLUMN erased_at timestamptz;
ALTER TABLE people ADD COLUMN restricted_at timestamptz;
ALTER TABLE people ADD COLUMN purged_at timestamptz;
ALTER TABLE people DROP CONSTRAINT people_reachable;
ALTER TABLE people ADD CONSTRAINT people_reachable CHECK (
    erased_at IS NOT NULL OR
    (preferred_channel = 'sms' AND phone IS NOT NULL) OR
    (preferred_channel = 'telegram' AND telegram_chat_id IS NOT NULL));
CREATE INDEX people_retention ON people (scheme_id, ended_at) WHERE ended_at IS NOT NULL AND purged_at IS NULL;

-- erased_addresses: the SHA-256 of each address ("phone:+44…" or
-- "telegram:123…") of a person erased from a scheme. A message from one
-- is treated as from an unknown sender, and a referral with one refused.
CREATE TABLE erased_addresses (
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    address_hash        text NOT NULL CONSTRAINT erased_addresses_hash_sha256 CHECK (length(address_hash) = 64),
    erased_at           timestamptz NOT NULL,
    PRIMARY KEY (scheme_id, address_hash)
);

-- +goose Down
DROP TABLE erased_addresses;
DROP INDEX people_retention;
ALTER TABLE people DROP CONSTRAINT people_reachable;
ALTER TABLE people DROP COLUMN purged_at;
ALTER TABLE people DROP COLUMN restricted_at;
ALTER TABLE people DROP COLUMN erased_at;
-- Erased people have no address and break the old rule: a database that
-- holds any cannot go back below this migration, and this fails whole.
ALTER TABLE people ADD CONSTRAINT people_reachable CHECK (
    (preferred_channel = 'sms' AND phone IS NOT NULL) OR
    (preferred_channel = 'telegram' AND telegram_chat_id IS NOT NULL));
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_append_only ON audit_events;
DROP FUNCTION audit_events_append_only();
DROP INDEX audit_events_actor;
DROP INDEX audit_events_scheme_at;
ALTER TABLE audit_events DROP COLUMN address;
