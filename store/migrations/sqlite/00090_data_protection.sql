-- Data protection: an audit trail no one can rewrite, that also records
-- who looked at whose record and from where; erasure, restriction of
-- processing and retention of a person's record; and the addresses of
-- erased people, kept only as hashes, so they match no one. The PostgreSQL
-- migration of the same number makes the same change; change both together.
--
-- SQLite cannot change a CHECK constraint in place, so people is rebuilt
-- as contacts was in 00041 (the reasons are written there): foreign keys
-- are checked at commit (PRAGMA defer_foreign_keys), every row is copied
-- back with its id, the AUTOINCREMENT counter is carried over and the
-- indexes are made again. No trigger is on people. The new table is the
-- old one, its columns in one list, with erased_at, restricted_at and
-- purged_at added and people_reachable allowing an erased person no address.

-- +goose Up

-- audit_events.address: the client address (read through the trusted
-- proxies) of a person looking at a record in the inbox; '' otherwise.
ALTER TABLE audit_events ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_events_scheme_at ON audit_events (scheme_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at) WHERE actor_id IS NOT NULL;

-- The audit trail never carries free text a person or link worker wrote
-- (it could not be erased): the reason support ended stays on the person.
UPDATE audit_events SET detail = json_remove(detail, '$.reason') WHERE action = 'person.support_ended';

-- audit_events is append-only: a row, once written, cannot be changed or deleted.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: its rows cannot be changed or deleted');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: its rows cannot be changed or deleted');
END;
-- +goose StatementEnd

-- people.erased_at: the person's record was erased; the row stays as a
-- tombstone with no personal data (ids, scheme, dates, needs, scores).
-- people.restricted_at: processing is restricted: the record is kept but
-- nothing is sent to them. people.purged_at: retention has removed the
-- free text of their record.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE people_copy AS SELECT * FROM people;
CREATE TEMP TABLE people_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'people';
DROP TABLE people;
CREATE TABLE people (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    link_worker_id      INTEGER,
    name                TEXT NOT NULL CONSTRAINT people_name_present CHECK (trim(name) <> ''),
    phone               TEXT CONSTRAINT people_phone_e164 CHECK ((phone GLOB '+[1-9]*' AND length(phone) BETWEEN 8 AND 16 AND substr(phone, 2) NOT GLOB '*[^0-9]*')),
    telegram_chat_id    INTEGER,
    preferred_channel   TEXT NOT NULL DEFAULT 'sms' CONSTRAINT people_preferred_channel_known CHECK (preferred_channel IN ('sms', 'telegram')),
    language            TEXT NOT NULL DEFAULT 'en' CONSTRAINT people_language_shape CHECK (length(language) BETWEEN 2 AND 35 AND language GLOB '[a-z][a-z]*' AND language NOT GLOB '*[^A-Za-z0-9-]*'),
    discreet            BOOLEAN NOT NULL DEFAULT 0 CHECK (discreet IN (0, 1)),
    consent_at          TIMESTAMP,
    consent_by          INTEGER,
    opted_out_at        TIMESTAMP,
    interests           TEXT NOT NULL DEFAULT '[]' CONSTRAINT people_interests_array CHECK (json_valid(interests) AND json_type(interests) = 'array'),
    area                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'active' CONSTRAINT people_status_known CHECK (status IN ('active', 'ended')),
    ended_at            TIMESTAMP,
    referred_at         TIMESTAMP NOT NULL,
    referred_by         TEXT NOT NULL DEFAULT '',
    referral_source     TEXT NOT NULL DEFAULT 'other' CONSTRAINT people_referral_source_known CHECK (referral_source IN ('gp', 'practice_staff', 'self', 'social_care', 'voluntary_sector', 'housing', 'other')),
    created_at          TIMESTAMP NOT NULL,
    telegram_blocked_at TIMESTAMP,
    ended_reason        TEXT NOT NULL DEFAULT '',
    preferred_name      TEXT NOT NULL DEFAULT '',
    telegram_wanted     BOOLEAN NOT NULL DEFAULT 0 CHECK (telegram_wanted IN (0, 1)),
    nhs_number          TEXT CONSTRAINT people_nhs_number_shape CHECK (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*'),
    date_of_birth       TEXT CONSTRAINT people_date_of_birth_shape CHECK (date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    gp_practice         TEXT NOT NULL DEFAULT '',
    referral_reason     TEXT NOT NULL DEFAULT '',
    needs               TEXT NOT NULL DEFAULT '[]' CONSTRAINT people_needs_array CHECK (json_valid(needs) AND json_type(needs) = 'array'),
    consent_how         TEXT NOT NULL DEFAULT '',
    erased_at           TIMESTAMP,
    restricted_at       TIMESTAMP,
    purged_at           TIMESTAMP,
    CONSTRAINT people_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT people_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT people_consent_by_same_scheme FOREIGN KEY (consent_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT people_consent_whole CHECK ((consent_at IS NULL) = (consent_by IS NULL)),
    CONSTRAINT people_ended_whole CHECK ((status = 'ended') = (ended_at IS NOT NULL)),
    CONSTRAINT people_reachable CHECK (
        erased_at IS NOT NULL OR
        (preferred_channel = 'sms' AND phone IS NOT NULL) OR
        (preferred_channel = 'telegram' AND telegram_chat_id IS NOT NULL))
);
CREATE UNIQUE INDEX people_active_phone ON people (scheme_id, phone) WHERE status = 'active' AND phone IS NOT NULL;
CREATE UNIQUE INDEX people_active_telegram ON people (scheme_id, telegram_chat_id) WHERE status = 'active' AND telegram_chat_id IS NOT NULL;
CREATE INDEX people_link_worker ON people (link_worker_id);
CREATE INDEX people_inbound_phone ON people (phone) WHERE phone IS NOT NULL;
CREATE INDEX people_inbound_telegram ON people (telegram_chat_id) WHERE telegram_chat_id IS NOT NULL;
CREATE UNIQUE INDEX people_active_nhs_number ON people (scheme_id, nhs_number) WHERE status = 'active' AND nhs_number IS NOT NULL;
CREATE INDEX people_scheme_referred ON people (scheme_id, referred_at); -- from 00080
CREATE INDEX people_retention ON people (scheme_id, ended_at) WHERE ended_at IS NOT NULL AND purged_at IS NULL;
INSERT INTO people (id, scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet, consent_at, consent_by, opted_out_at, interests, area, status, ended_at, referred_at, referred_by, referral_source, created_at, telegram_blocked_at, ended_reason, preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how)
    SELECT id, scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet, consent_at, consent_by, opted_out_at, interests, area, status, ended_at, referred_at, referred_by, referral_source, created_at, telegram_blocked_at, ended_reason, preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how FROM temp.people_copy;
UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM temp.people_seq)
    WHERE name = 'people' AND seq < (SELECT max(seq) FROM temp.people_seq);
INSERT INTO sqlite_sequence (name, seq) SELECT 'people', seq FROM temp.people_seq
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'people');
DROP TABLE temp.people_seq;
DROP TABLE temp.people_copy;

-- erased_addresses: the SHA-256 of each address ("phone:+44…" or
-- "telegram:123…") of a person erased from a scheme. A message from one
-- is treated as from an unknown sender, and a referral with one refused.
CREATE TABLE erased_addresses (
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    address_hash        TEXT NOT NULL CONSTRAINT erased_addresses_hash_sha256 CHECK (length(address_hash) = 64),
    erased_at           TIMESTAMP NOT NULL,
    PRIMARY KEY (scheme_id, address_hash)
);

-- +goose Down
DROP TABLE erased_addresses;
-- Erased people have no address and break the old people_reachable: a
-- database that holds any cannot go back below this migration, and the
-- copy back fails, undoing the whole Down.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE people_copy AS SELECT * FROM people;
CREATE TEMP TABLE people_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'people';
DROP TABLE people;
CREATE TABLE people (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    link_worker_id      INTEGER,
    name                TEXT NOT NULL CONSTRAINT people_name_present CHECK (trim(name) <> ''),
    phone               TEXT CONSTRAINT people_phone_e164 CHECK ((phone GLOB '+[1-9]*' AND length(phone) BETWEEN 8 AND 16 AND substr(phone, 2) NOT GLOB '*[^0-9]*')),
    telegram_chat_id    INTEGER,
    preferred_channel   TEXT NOT NULL DEFAULT 'sms' CONSTRAINT people_preferred_channel_known CHECK (preferred_channel IN ('sms', 'telegram')),
    language            TEXT NOT NULL DEFAULT 'en' CONSTRAINT people_language_shape CHECK (length(language) BETWEEN 2 AND 35 AND language GLOB '[a-z][a-z]*' AND language NOT GLOB '*[^A-Za-z0-9-]*'),
    discreet            BOOLEAN NOT NULL DEFAULT 0 CHECK (discreet IN (0, 1)),
    consent_at          TIMESTAMP,
    consent_by          INTEGER,
    opted_out_at        TIMESTAMP,
    interests           TEXT NOT NULL DEFAULT '[]' CONSTRAINT people_interests_array CHECK (json_valid(interests) AND json_type(interests) = 'array'),
    area                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'active' CONSTRAINT people_status_known CHECK (status IN ('active', 'ended')),
    ended_at            TIMESTAMP,
    referred_at         TIMESTAMP NOT NULL,
    referred_by         TEXT NOT NULL DEFAULT '',
    referral_source     TEXT NOT NULL DEFAULT 'other' CONSTRAINT people_referral_source_known CHECK (referral_source IN ('gp', 'practice_staff', 'self', 'social_care', 'voluntary_sector', 'housing', 'other')),
    created_at          TIMESTAMP NOT NULL,
    telegram_blocked_at TIMESTAMP,
    ended_reason        TEXT NOT NULL DEFAULT '',
    preferred_name      TEXT NOT NULL DEFAULT '',
    telegram_wanted     BOOLEAN NOT NULL DEFAULT 0 CHECK (telegram_wanted IN (0, 1)),
    nhs_number          TEXT CONSTRAINT people_nhs_number_shape CHECK (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*'),
    date_of_birth       TEXT CONSTRAINT people_date_of_birth_shape CHECK (date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    gp_practice         TEXT NOT NULL DEFAULT '',
    referral_reason     TEXT NOT NULL DEFAULT '',
    needs               TEXT NOT NULL DEFAULT '[]' CONSTRAINT people_needs_array CHECK (json_valid(needs) AND json_type(needs) = 'array'),
    consent_how         TEXT NOT NULL DEFAULT '',
    CONSTRAINT people_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT people_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT people_consent_by_same_scheme FOREIGN KEY (consent_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT people_consent_whole CHECK ((consent_at IS NULL) = (consent_by IS NULL)),
    CONSTRAINT people_ended_whole CHECK ((status = 'ended') = (ended_at IS NOT NULL)),
    CONSTRAINT people_reachable CHECK (
        (preferred_channel = 'sms' AND phone IS NOT NULL) OR
        (preferred_channel = 'telegram' AND telegram_chat_id IS NOT NULL))
);
CREATE UNIQUE INDEX people_active_phone ON people (scheme_id, phone) WHERE status = 'active' AND phone IS NOT NULL;
CREATE UNIQUE INDEX people_active_telegram ON people (scheme_id, telegram_chat_id) WHERE status = 'active' AND telegram_chat_id IS NOT NULL;
CREATE INDEX people_link_worker ON people (link_worker_id);
CREATE INDEX people_inbound_phone ON people (phone) WHERE phone IS NOT NULL;
CREATE INDEX people_inbound_telegram ON people (telegram_chat_id) WHERE telegram_chat_id IS NOT NULL;
CREATE UNIQUE INDEX people_active_nhs_number ON people (scheme_id, nhs_number) WHERE status = 'active' AND nhs_number IS NOT NULL;
CREATE INDEX people_scheme_referred ON people (scheme_id, referred_at); -- from 00080
INSERT INTO people (id, scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet, consent_at, consent_by, opted_out_at, interests, area, status, ended_at, referred_at, referred_by, referral_source, created_at, telegram_blocked_at, ended_reason, preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how)
    SELECT id, scheme_id, link_worker_id, name, phone, telegram_chat_id, preferred_channel, language, discreet, consent_at, consent_by, opted_out_at, interests, area, status, ended_at, referred_at, referred_by, referral_source, created_at, telegram_blocked_at, ended_reason, preferred_name, telegram_wanted, nhs_number, date_of_birth, gp_practice, referral_reason, needs, consent_how FROM temp.people_copy;
UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM temp.people_seq)
    WHERE name = 'people' AND seq < (SELECT max(seq) FROM temp.people_seq);
INSERT INTO sqlite_sequence (name, seq) SELECT 'people', seq FROM temp.people_seq
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'people');
DROP TABLE temp.people_seq;
DROP TABLE temp.people_copy;
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP INDEX audit_events_actor;
DROP INDEX audit_events_scheme_at;
ALTER TABLE audit_events DROP COLUMN address;
