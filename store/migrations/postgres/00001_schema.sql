-- Linkbot's first schema for PostgreSQL. The SQLite schema in
-- ../sqlite/00001_schema.sql holds the same tables, columns and constraints;
-- change both together.

-- +goose Up

-- schemes: the tenant. Nudges are sent only between send_from and
-- send_until local time in time_zone; the rest of the day is quiet hours.
CREATE TABLE schemes (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL CONSTRAINT schemes_name_present CHECK (btrim(name) <> ''),
    time_zone           text NOT NULL DEFAULT 'Europe/London' CONSTRAINT schemes_time_zone_present CHECK (time_zone <> ''),
    send_from           text NOT NULL DEFAULT '09:00',
    send_until          text NOT NULL DEFAULT '20:00',
    duty_name           text NOT NULL DEFAULT '',
    duty_phone          text,
    duty_telegram_chat_id bigint,
    settings            jsonb NOT NULL DEFAULT '{}' CONSTRAINT schemes_settings_object CHECK (jsonb_typeof(settings) = 'object'),
    created_at          timestamptz NOT NULL,
    CONSTRAINT schemes_send_hours_shape CHECK (send_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND send_until ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    CONSTRAINT schemes_send_hours_order CHECK (send_from < send_until),
    CONSTRAINT schemes_duty_phone_e164 CHECK (duty_phone ~ '^\+[1-9][0-9]{6,14}$')
);

-- link_workers: staff of one scheme. A scheme admin is a link worker with
-- more rights. password_hash holds a bcrypt hash, never a password.
CREATE TABLE link_workers (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    name                text NOT NULL CONSTRAINT link_workers_name_present CHECK (btrim(name) <> ''),
    phone               text CONSTRAINT link_workers_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    telegram_chat_id    bigint,
    working_hours       jsonb NOT NULL DEFAULT '{}' CONSTRAINT link_workers_working_hours_object CHECK (jsonb_typeof(working_hours) = 'object'),
    role                text NOT NULL DEFAULT 'link_worker' CONSTRAINT link_workers_role_known CHECK (role IN ('link_worker', 'scheme_admin')),
    email               text CONSTRAINT link_workers_email_shape CHECK (email = lower(email) AND email LIKE '_%@_%'),
    password_hash       text,
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL,
    CONSTRAINT link_workers_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT link_workers_email_unique UNIQUE (email)
);

-- people: people receiving support. Their link worker, and whoever recorded
-- consent, belong to the same scheme as they do.
CREATE TABLE people (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    link_worker_id      bigint,
    name                text NOT NULL CONSTRAINT people_name_present CHECK (btrim(name) <> ''),
    phone               text CONSTRAINT people_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    telegram_chat_id    bigint,
    preferred_channel   text NOT NULL DEFAULT 'sms' CONSTRAINT people_preferred_channel_known CHECK (preferred_channel IN ('sms', 'telegram')),
    language            text NOT NULL DEFAULT 'en' CONSTRAINT people_language_shape CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    discreet            boolean NOT NULL DEFAULT false,
    consent_at          timestamptz,
    consent_by          bigint,
    opted_out_at        timestamptz,
    interests           jsonb NOT NULL DEFAULT '[]' CONSTRAINT people_interests_array CHECK (jsonb_typeof(interests) = 'array'),
    area                text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'active' CONSTRAINT people_status_known CHECK (status IN ('active', 'ended')),
    ended_at            timestamptz,
    referred_at         timestamptz NOT NULL,
    referred_by         text NOT NULL DEFAULT '',
    referral_source     text NOT NULL DEFAULT 'other' CONSTRAINT people_referral_source_known CHECK (referral_source IN ('gp', 'practice_staff', 'self', 'social_care', 'voluntary_sector', 'housing', 'other')),
    created_at          timestamptz NOT NULL,
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
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    link_worker_id      bigint NOT NULL,
    starts_at           timestamptz NOT NULL,
    kind                text NOT NULL CONSTRAINT contacts_kind_known CHECK (kind IN ('home_visit', 'phone', 'video', 'in_person')),
    place               text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'booked' CONSTRAINT contacts_status_known CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done')),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT contacts_id_person UNIQUE (id, person_id),
    CONSTRAINT contacts_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT contacts_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX contacts_person_starts ON contacts (person_id, starts_at);

-- community_groups: what a scheme can suggest to people.
CREATE TABLE community_groups (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    name                text NOT NULL CONSTRAINT community_groups_name_present CHECK (btrim(name) <> ''),
    description         text NOT NULL DEFAULT '',
    tags                jsonb NOT NULL DEFAULT '[]' CONSTRAINT community_groups_tags_array CHECK (jsonb_typeof(tags) = 'array'),
    place               text NOT NULL DEFAULT '',
    schedule            text NOT NULL DEFAULT '',
    weekly_capacity     integer CONSTRAINT community_groups_capacity_positive CHECK (weekly_capacity >= 0),
    contact             text NOT NULL DEFAULT '',
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL,
    CONSTRAINT community_groups_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT community_groups_name_unique UNIQUE (scheme_id, name)
);

-- dialogues: versions of a scheme's nudge dialogues. A version, once
-- written, is never changed; a run keeps the version it started with.
CREATE TABLE dialogues (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    key                 text NOT NULL CONSTRAINT dialogues_key_shape CHECK (key ~ '^[a-z0-9][a-z0-9_.-]*$'),
    version             integer NOT NULL CONSTRAINT dialogues_version_positive CHECK (version >= 1),
    source              text NOT NULL CONSTRAINT dialogues_source_present CHECK (source <> ''),
    published_at        timestamptz,
    created_at          timestamptz NOT NULL,
    CONSTRAINT dialogues_id_scheme UNIQUE (id, scheme_id),
    CONSTRAINT dialogues_key_version UNIQUE (scheme_id, key, version)
);

-- dialogue_runs: one person going through one dialogue version. A person
-- has at most one run that has not ended.
CREATE TABLE dialogue_runs (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    dialogue_id         bigint NOT NULL,
    state               jsonb NOT NULL DEFAULT '{}' CONSTRAINT dialogue_runs_state_object CHECK (jsonb_typeof(state) = 'object'),
    started_at          timestamptz NOT NULL,
    waiting_since       timestamptz,
    expires_at          timestamptz,
    ended_at            timestamptz,
    outcome             text CONSTRAINT dialogue_runs_outcome_known CHECK (outcome IN ('completed', 'expired', 'stopped', 'cancelled', 'escalated')),
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
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    kind                text NOT NULL CONSTRAINT nudges_kind_known CHECK (kind IN ('contact_reminder', 'checkin', 'suggestion', 'followup', 'reply_reminder', 'reply_expiry')),
    key                 text NOT NULL CONSTRAINT nudges_key_present CHECK (key <> ''),
    due_at              timestamptz NOT NULL,
    dialogue_key        text,
    contact_id          bigint,
    group_id            bigint,
    run_id              bigint,
    status              text NOT NULL DEFAULT 'planned' CONSTRAINT nudges_status_known CHECK (status IN ('planned', 'claimed', 'done', 'skipped', 'cancelled')),
    attempts            integer NOT NULL DEFAULT 0 CONSTRAINT nudges_attempts_positive CHECK (attempts >= 0),
    lease_owner         text,
    lease_until         timestamptz,
    finished_at         timestamptz,
    note                text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
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
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    person_id           bigint,
    link_worker_id      bigint,
    author_id           bigint,
    nudge_id            bigint REFERENCES nudges (id),
    direction           text NOT NULL CONSTRAINT messages_direction_known CHECK (direction IN ('in', 'out')),
    channel             text NOT NULL CONSTRAINT messages_channel_known CHECK (channel IN ('sms', 'telegram', 'simulated')),
    address             text NOT NULL CONSTRAINT messages_address_present CHECK (address <> ''),
    kind                text NOT NULL CONSTRAINT messages_kind_known CHECK (kind IN ('inbound', 'reply', 'nudge', 'safety_net', 'notification', 'keyword', 'from_link_worker')),
    body                text NOT NULL,
    provider_id         text,
    status              text NOT NULL CONSTRAINT messages_status_known CHECK (status IN ('received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'held')),
    attempts            integer NOT NULL DEFAULT 0 CONSTRAINT messages_attempts_positive CHECK (attempts >= 0),
    next_attempt_at     timestamptz,
    lease_owner         text,
    lease_until         timestamptz,
    error_code          text NOT NULL DEFAULT '',
    error_text          text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    sent_at             timestamptz,
    delivered_at        timestamptz,
    read_at             timestamptz,
    CONSTRAINT messages_provider_id_unique UNIQUE (channel, provider_id),
    CONSTRAINT messages_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT messages_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT messages_author_same_scheme FOREIGN KEY (author_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT messages_inbound_shape CHECK (direction <> 'in' OR (kind = 'inbound' AND status = 'received' AND link_worker_id IS NULL AND author_id IS NULL)),
    CONSTRAINT messages_outbound_shape CHECK (direction <> 'out' OR (kind <> 'inbound' AND status <> 'received' AND num_nonnulls(person_id, link_worker_id) = 1)),
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
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id           bigint NOT NULL,
    run_id              bigint NOT NULL,
    message_id          bigint REFERENCES messages (id),
    question_key        text NOT NULL CONSTRAINT answers_question_key_present CHECK (question_key <> ''),
    measure_key         text CONSTRAINT answers_measure_key_shape CHECK (measure_key ~ '^[a-z0-9_]+(\.[a-z0-9_]+)+$'),
    value               double precision,
    words               text NOT NULL DEFAULT '',
    answered_at         timestamptz NOT NULL,
    CONSTRAINT answers_run_same_person FOREIGN KEY (run_id, person_id) REFERENCES dialogue_runs (id, person_id),
    CONSTRAINT answers_one_per_question UNIQUE (run_id, question_key),
    CONSTRAINT answers_measure_has_value CHECK (measure_key IS NULL OR value IS NOT NULL)
);
CREATE INDEX answers_person_measure ON answers (person_id, measure_key, answered_at);

-- escalations: something a link worker (or the duty contact) must see.
CREATE TABLE escalations (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    link_worker_id      bigint,
    message_id          bigint REFERENCES messages (id),
    reason              text NOT NULL CONSTRAINT escalations_reason_known CHECK (reason IN ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out', 'provision_gap')),
    urgency             text NOT NULL CONSTRAINT escalations_urgency_known CHECK (urgency IN ('routine', 'soon', 'urgent')),
    note                text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    notified_at         timestamptz,
    duty_notified_at    timestamptz,
    acknowledged_by     bigint,
    acknowledged_at     timestamptz,
    resolved_at         timestamptz,
    CONSTRAINT escalations_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT escalations_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_by_same_scheme FOREIGN KEY (acknowledged_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_whole CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
CREATE INDEX escalations_open ON escalations (scheme_id, created_at) WHERE resolved_at IS NULL;

-- activity_referrals: a group suggested to a person, and how it went.
CREATE TABLE activity_referrals (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    group_id            bigint NOT NULL,
    suggested_at        timestamptz NOT NULL,
    accepted_at         timestamptz,
    declined_at         timestamptz,
    attended_at         timestamptz,
    CONSTRAINT activity_referrals_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT activity_referrals_group_same_scheme FOREIGN KEY (group_id, scheme_id) REFERENCES community_groups (id, scheme_id),
    CONSTRAINT activity_referrals_accepted_or_declined CHECK (accepted_at IS NULL OR declined_at IS NULL),
    CONSTRAINT activity_referrals_attended_after_accepted CHECK (attended_at IS NULL OR accepted_at IS NOT NULL)
);
CREATE INDEX activity_referrals_person ON activity_referrals (person_id, suggested_at);

-- audit_events: who did what to whose record, when. Rows are only added.
CREATE TABLE audit_events (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    actor_id            bigint,
    actor               text NOT NULL CONSTRAINT audit_events_actor_present CHECK (actor <> ''),
    action              text NOT NULL CONSTRAINT audit_events_action_present CHECK (action <> ''),
    person_id           bigint,
    detail              jsonb NOT NULL DEFAULT '{}' CONSTRAINT audit_events_detail_object CHECK (jsonb_typeof(detail) = 'object'),
    at                  timestamptz NOT NULL,
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
