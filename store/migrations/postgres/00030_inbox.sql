-- The inbox's tables: sign-in sessions, sign-in attempts (for rate
-- limiting), API tokens, notes on people, duty cover, paused nudges and
-- the daily digests sent to link workers. The SQLite migration of the same
-- number holds the same tables; change both together.

-- +goose Up

-- inbox_sessions: a signed-in link worker. token_hash is the SHA-256 of
-- the cookie's value, never the value itself.
CREATE TABLE inbox_sessions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    link_worker_id      bigint NOT NULL,
    token_hash          text NOT NULL CONSTRAINT inbox_sessions_token_hash_unique UNIQUE,
    csrf_token          text NOT NULL CONSTRAINT inbox_sessions_csrf_present CHECK (length(csrf_token) >= 32),
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    CONSTRAINT inbox_sessions_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT inbox_sessions_expiry_order CHECK (expires_at > created_at)
);
CREATE INDEX inbox_sessions_expiry ON inbox_sessions (expires_at);

-- login_attempts: failed sign-ins by key ("email:…" or "ip:…").
CREATE TABLE login_attempts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key                 text NOT NULL CONSTRAINT login_attempts_key_present CHECK (key <> ''),
    at                  timestamptz NOT NULL
);
CREATE INDEX login_attempts_key_at ON login_attempts (key, at);

-- api_tokens: a scheme's tokens for the JSON API. token_hash is the SHA-256
-- of the token.
CREATE TABLE api_tokens (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    name                text NOT NULL CONSTRAINT api_tokens_name_present CHECK (btrim(name) <> ''),
    token_hash          text NOT NULL CONSTRAINT api_tokens_token_hash_unique UNIQUE,
    created_at          timestamptz NOT NULL,
    revoked_at          timestamptz
);

-- notes: what a link worker wrote down about a person.
CREATE TABLE notes (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    author_id           bigint NOT NULL,
    body                text NOT NULL CONSTRAINT notes_body_present CHECK (btrim(body) <> ''),
    created_at          timestamptz NOT NULL,
    CONSTRAINT notes_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT notes_author_same_scheme FOREIGN KEY (author_id, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX notes_person ON notes (person_id, created_at);

-- duty_cover: a link worker covering the scheme's duty for a while: they
-- see the whole scheme's caseload and get its urgent escalations.
CREATE TABLE duty_cover (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    link_worker_id      bigint NOT NULL,
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    CONSTRAINT duty_cover_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT duty_cover_order CHECK (ends_at > starts_at)
);
CREATE INDEX duty_cover_scheme_time ON duty_cover (scheme_id, starts_at, ends_at);

-- nudge_pauses: nudges to a person are held until paused_until.
CREATE TABLE nudge_pauses (
    person_id           bigint PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    paused_until        timestamptz NOT NULL,
    paused_by           bigint NOT NULL,
    created_at          timestamptz NOT NULL,
    CONSTRAINT nudge_pauses_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT nudge_pauses_by_same_scheme FOREIGN KEY (paused_by, scheme_id) REFERENCES link_workers (id, scheme_id)
);

-- digests: the one daily digest a link worker gets of what waits in the
-- inbox; the key makes it once a day whatever the number of processes.
CREATE TABLE digests (
    link_worker_id      bigint NOT NULL REFERENCES link_workers (id),
    day                 text NOT NULL CONSTRAINT digests_day_shape CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    message_id          bigint REFERENCES messages (id),
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (link_worker_id, day)
);

-- Notices to a link worker, newest last: the follow-up loop looks for
-- notices that failed.
CREATE INDEX messages_link_worker ON messages (link_worker_id, created_at) WHERE link_worker_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_link_worker;
DROP TABLE digests;
DROP TABLE nudge_pauses;
DROP TABLE duty_cover;
DROP TABLE notes;
DROP TABLE api_tokens;
DROP TABLE login_attempts;
DROP TABLE inbox_sessions;
