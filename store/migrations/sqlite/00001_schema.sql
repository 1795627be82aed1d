-- Linkbot's first schema for SQLite. The PostgreSQL schema in
-- ../postgres/00001_schema.sql holds the same tables, columns and constraints;
-- change both together. Times are TIMESTAMP text in UTC
-- ("2006-01-02 15:04:05.999999999+00:00"), which sorts in time order;
-- JSON is TEXT checked with json_valid.

-- +goose Up

-- schemes: the tenant. Nudges are sent only between send_from and
-- send_until local time in time_zone; the rest of the day is quiet hours.
CREATE TABLE schemes (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL CONSTRAINT schemes_name_present CHECK (trim(name) <> ''),
    time_zone           TEXT NOT NULL DEFAULT 'Europe/London' CONSTRAINT schemes_time_zone_present CHECK (time_zone <> ''),
    send_from           TEXT NOT NULL DEFAULT '09:00',
    send_until          TEXT NOT NULL DEFAULT '20:00',
    duty_name           TEXT NOT NULL DEFAULT '',
    duty_phone          TEXT,
    duty_telegram_chat_id INTEGER,
    settings            TEXT NOT NULL DEFAULT '{}' CONSTRAINT schemes_settings_object CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT schemes_send_hours_shape CHECK (send_from GLOB '[0-2][0-9]:[0-5][0-9]' AND send_from < '24:00' AND send_until GLOB '[0-2][0-9]:[0-5][0-9]' AND send_until < '24:00'),
    CONSTRAINT schemes_send_hours_order CHECK (send_from < send_until),
    CONSTRAINT schemes_duty_phone_e164 CHECK ((duty_phone GLOB '+[1-9]*' AND length(duty_phone) BETWEEN 8 AND 16 AND substr(duty_phone, 2) NOT GLOB '*[^0-9]*'))
);

-- link_workers: staff of one scheme. A scheme admin is a link worker with
-- more rights. password_hash holds a bcrypt hash, never a password.
CREATE TABLE link_workers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    name                TEXT NOT NULL CONSTRAINT link_workers_name_present CHECK (trim(name) <> ''),
    phone               TEXT CONSTRAINT link_workers_phone_e164 CHECK ((phone GLOB '+[1-9]*' AND length(phone) BETWEEN 8 AND 16 AND substr(phone, 2) NOT GLOB '*[^0-9]*')),
    telegram_chat_id    INTEGER,
    working_hours       TEXT NOT NULL DEFAULT '{}' CONSTRAINT link_workers_working_hours_object CHECK (json_valid(working_hours) AND json_type(working_hours) = 'object'),
    role                TEXT NOT NULL DEFAULT 'link_worker' CONSTRAINT link_workers_role_known CHECK (role IN ('link_worker', 'scheme_admin')),
    email               TEXT CONSTRAINT link_workers_email_shape CHECK (email = lower(email) AND email LIKE '_%@_%'),
    password_hash       TEXT,
    active              BOOLEAN NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT link_workers_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT link_workers_email_unique UNIQUE (email)
);

-- people: people receiving support. Their link worker, and whoever recorded
-- consent, belong to the same scheme as they do.
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

-- contacts: a link worker's appointments with a person.
CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER NOT NULL,
    starts_at           TIMESTAMP NOT NULL,
    kind                TEXT NOT NULL CONSTRAINT contacts_kind_known CHECK (kind IN ('home_visit', 'phone', 'video', 'in_person')),
    place               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'booked' CONSTRAINT contacts_status_known CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done')),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CONSTRAINT contacts_id_person UNIQUE (id, person_id),
    CONSTRAINT contacts_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT contacts_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX contacts_person_starts ON contacts (person_id, starts_at);

-- community_groups: what a scheme can suggest to people.
CREATE TABLE community_groups (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    name                TEXT NOT NULL CONSTRAINT community_groups_name_present CHECK (trim(name) <> ''),
    description         TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '[]' CONSTRAINT community_groups_tags_array CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    place               TEXT NOT NULL DEFAULT '',
    schedule            TEXT NOT NULL DEFAULT '',
    weekly_capacity     INTEGER CONSTRAINT community_groups_capacity_positive CHECK (weekly_capacity >= 0),
    contact             TEXT NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT community_groups_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT community_groups_name_unique UNIQUE (scheme_id, name)
);

-- dialogues: versions of a scheme's nudge dialogues. A version, once
-- written, is never changed; a run keeps the version it started with.
CREATE TABLE dialogues (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    key                 TEXT NOT NULL CONSTRAINT dialogues_key_shape CHECK (key GLOB '[a-z0-9]*' AND key NOT GLOB '*[^a-z0-9_.-]*'),
    version             INTEGER NOT NULL CONSTRAINT dialogues_version_positive CHECK (version >= 1),
    source              TEXT NOT NULL CONSTRAINT dialogues_source_present CHECK (source <> ''),
    published_at        TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT dialogues_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT dialogues_key_version UNIQUE (scheme_id, key, version)
);

-- dialogue_runs: one person going through one dialogue version. A person
-- has at most one run that has not ended.
CREATE TABLE dialogue_runs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    dialogue_id         INTEGER NOT NULL,
    state               TEXT NOT NULL DEFAULT '{}' CONSTRAINT dialogue_runs_state_object CHECK (json_valid(state) AND json_type(state) = 'object'),
    started_at          TIMESTAMP NOT NULL,
    waiting_since       TIMESTAMP,
    expires_at          TIMESTAMP,
    ended_at            TIMESTAMP,
    outcome             TEXT CONSTRAINT dialogue_runs_outcome_known CHECK (outcome IN ('completed', 'expired', 'stopped', 'cancelled', 'escalated')),
    CONSTRAINT dialogue_runs_id_person UNIQUE (id, person_id),
    CONSTRAINT dialogue_runs_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT dialogue_runs_dialogue_same_scheme FOREIGN KEY (dialogue_id, scheme_id) REFERENCES dialogues (id, scheme_id),
    CONSTRAINT dialogue_runs_ended_whole CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE UNIQUE INDEX dialogue_runs_one_open ON dialogue_runs (person_id) WHERE ended_at IS NULL;
CREATE INDEX dialogue_runs_expiry ON dialogue_runs (expires_at) WHERE ended_at IS NULL;

-- nudges: what is due to whom. key makes planning idempotent. A claimed
-- nudge carries a lease; when the lease runs out it can be claimed again.
CREATE TABLE nudges (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    kind                TEXT NOT NULL CONSTRAINT nudges_kind_known CHECK (kind IN ('contact_reminder', 'checkin', 'suggestion', 'followup', 'reply_reminder', 'reply_expiry')),
    key                 TEXT NOT NULL CONSTRAINT nudges_key_present CHECK (key <> ''),
    due_at              TIMESTAMP NOT NULL,
    dialogue_key        TEXT,
    contact_id          INTEGER,
    group_id            INTEGER,
    run_id              INTEGER,
    status              TEXT NOT NULL DEFAULT 'planned' CONSTRAINT nudges_status_known CHECK (status IN ('planned', 'claimed', 'done', 'skipped', 'cancelled')),
    attempts            INTEGER NOT NULL DEFAULT 0 CONSTRAINT nudges_attempts_positive CHECK (attempts >= 0),
    lease_owner         TEXT,
    lease_until         TIMESTAMP,
    finished_at         TIMESTAMP,
    note                TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    CONSTRAINT nudges_key_unique UNIQUE (key),
    CONSTRAINT nudges_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT nudges_contact_same_person FOREIGN KEY (contact_id, person_id) REFERENCES contacts (id, person_id),
    CONSTRAINT nudges_group_same_scheme FOREIGN KEY (group_id, scheme_id) REFERENCES community_groups (id, scheme_id),
    CONSTRAINT nudges_run_same_person FOREIGN KEY (run_id, person_id) REFERENCES dialogue_runs (id, person_id),
    CONSTRAINT nudges_lease_whole CHECK ((status = 'claimed') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
    CONSTRAINT nudges_finished_whole CHECK ((status IN ('done', 'skipped', 'cancelled')) = (finished_at IS NOT NULL)),
    CONSTRAINT nudges_contact_reminder_has_contact CHECK (kind <> 'contact_reminder' OR contact_id IS NOT NULL)
);
-- The claim path: exactly the WHERE and ORDER BY of ClaimDueNudges.
CREATE INDEX nudges_claimable ON nudges ((coalesce(lease_until, due_at)), id) WHERE status IN ('planned', 'claimed');
CREATE INDEX nudges_person ON nudges (person_id, due_at);

-- messages: every message in and out. Outgoing messages that are queued or
-- sending are the outbox. A message goes to a person or, for notifications,
-- to a link worker; an inbound message may come from an unknown address.
CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    person_id           INTEGER,
    link_worker_id      INTEGER,
    author_id           INTEGER,
    nudge_id            INTEGER REFERENCES nudges (id),
    direction           TEXT NOT NULL CONSTRAINT messages_direction_known CHECK (direction IN ('in', 'out')),
    channel             TEXT NOT NULL CONSTRAINT messages_channel_known CHECK (channel IN ('sms', 'telegram', 'simulated')),
    address             TEXT NOT NULL CONSTRAINT messages_address_present CHECK (address <> ''),
    kind                TEXT NOT NULL CONSTRAINT messages_kind_known CHECK (kind IN ('inbound', 'reply', 'nudge', 'safety_net', 'notification', 'keyword', 'from_link_worker')),
    body                TEXT NOT NULL,
    provider_id         TEXT,
    status              TEXT NOT NULL CONSTRAINT messages_status_known CHECK (status IN ('received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'held')),
    attempts            INTEGER NOT NULL DEFAULT 0 CONSTRAINT messages_attempts_positive CHECK (attempts >= 0),
    next_attempt_at     TIMESTAMP,
    lease_owner         TEXT,
    lease_until         TIMESTAMP,
    error_code          TEXT NOT NULL DEFAULT '',
    error_text          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    sent_at             TIMESTAMP,
    delivered_at        TIMESTAMP,
    read_at             TIMESTAMP,
    CONSTRAINT messages_provider_id_unique UNIQUE (channel, provider_id),
    CONSTRAINT messages_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT messages_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT messages_author_same_scheme FOREIGN KEY (author_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT messages_inbound_shape CHECK (direction <> 'in' OR (kind = 'inbound' AND status = 'received' AND link_worker_id IS NULL AND author_id IS NULL)),
    CONSTRAINT messages_outbound_shape CHECK (direction <> 'out' OR (kind <> 'inbound' AND status <> 'received' AND (person_id IS NOT NULL) + (link_worker_id IS NOT NULL) = 1)),
    CONSTRAINT messages_author_only_from_link_worker CHECK ((kind = 'from_link_worker') = (author_id IS NOT NULL)),
    CONSTRAINT messages_queued_has_time CHECK (status <> 'queued' OR next_attempt_at IS NOT NULL),
    CONSTRAINT messages_lease_whole CHECK ((status = 'sending') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);
-- The claim path: exactly the WHERE and ORDER BY of ClaimOutbox.
CREATE INDEX messages_outbox ON messages ((coalesce(lease_until, next_attempt_at)), id) WHERE status IN ('queued', 'sending');
CREATE INDEX messages_person_thread ON messages (person_id, created_at);
CREATE INDEX messages_unread ON messages (scheme_id, created_at) WHERE direction = 'in' AND read_at IS NULL;

-- answers: what a person answered in a run. Scored answers carry the
-- measure's key (e.g. ons4.life_satisfaction) and a numeric value.
CREATE TABLE answers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id           INTEGER NOT NULL,
    run_id              INTEGER NOT NULL,
    message_id          INTEGER REFERENCES messages (id),
    question_key        TEXT NOT NULL CONSTRAINT answers_question_key_present CHECK (question_key <> ''),
    measure_key         TEXT CONSTRAINT answers_measure_key_shape CHECK (measure_key GLOB '[a-z0-9_]*.[a-z0-9_]*' AND measure_key NOT GLOB '*[^a-z0-9_.]*' AND measure_key NOT GLOB '*..*' AND measure_key NOT GLOB '*.'),
    value               REAL,
    words               TEXT NOT NULL DEFAULT '',
    answered_at         TIMESTAMP NOT NULL,
    CONSTRAINT answers_run_same_person FOREIGN KEY (run_id, person_id) REFERENCES dialogue_runs (id, person_id),
    CONSTRAINT answers_one_per_question UNIQUE (run_id, question_key),
    CONSTRAINT answers_measure_has_value CHECK (measure_key IS NULL OR value IS NOT NULL)
);
CREATE INDEX answers_person_measure ON answers (person_id, measure_key, answered_at);

-- escalations: something a link worker (or the duty contact) must see.
CREATE TABLE escalations (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER,
    message_id          INTEGER REFERENCES messages (id),
    reason              TEXT NOT NULL CONSTRAINT escalations_reason_known CHECK (reason IN ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out', 'provision_gap')),
    urgency             TEXT NOT NULL CONSTRAINT escalations_urgency_known CHECK (urgency IN ('routine', 'soon', 'urgent')),
    note                TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    notified_at         TIMESTAMP,
    duty_notified_at    TIMESTAMP,
    acknowledged_by     INTEGER,
    acknowledged_at     TIMESTAMP,
    resolved_at         TIMESTAMP,
    CONSTRAINT escalations_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT escalations_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_by_same_scheme FOREIGN KEY (acknowledged_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_whole CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
CREATE INDEX escalations_open ON escalations (scheme_id, created_at) WHERE resolved_at IS NULL;

-- activity_referrals: a group suggested to a person, and how it went.
CREATE TABLE activity_referrals (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    group_id            INTEGER NOT NULL,
    suggested_at        TIMESTAMP NOT NULL,
    accepted_at         TIMESTAMP,
    declined_at         TIMESTAMP,
    attended_at         TIMESTAMP,
    CONSTRAINT activity_referrals_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT activity_referrals_group_same_scheme FOREIGN KEY (group_id, scheme_id) REFERENCES community_groups (id, scheme_id),
    CONSTRAINT activity_referrals_accepted_or_declined CHECK (accepted_at IS NULL OR declined_at IS NULL),
    CONSTRAINT activity_referrals_attended_after_accepted CHECK (attended_at IS NULL OR accepted_at IS NOT NULL)
);
CREATE INDEX activity_referrals_person ON activity_referrals (person_id, suggested_at);

-- audit_events: who did what to whose record, when. Rows are only added.
CREATE TABLE audit_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    actor_id            INTEGER,
    actor               TEXT NOT NULL CONSTRAINT audit_events_actor_present CHECK (actor <> ''),
    action              TEXT NOT NULL CONSTRAINT audit_events_action_present CHECK (action <> ''),
    person_id           INTEGER,
    detail              TEXT NOT NULL DEFAULT '{}' CONSTRAINT audit_events_detail_object CHECK (json_valid(detail) AND json_type(detail) = 'object'),
    at                  TIMESTAMP NOT NULL,
    CONSTRAINT audit_events_actor_same_scheme FOREIGN KEY (actor_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT audit_events_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id)
);
CREATE INDEX audit_events_person ON audit_events (person_id, at);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE activity_referrals;
DROP TABLE escalations;
DROP TABLE answers;
DROP TABLE messages;
DROP TABLE nudges;
DROP TABLE dialogue_runs;
DROP TABLE dialogues;
DROP TABLE community_groups;
DROP TABLE contacts;
DROP TABLE people;
DROP TABLE link_workers;
DROP TABLE schemes;
