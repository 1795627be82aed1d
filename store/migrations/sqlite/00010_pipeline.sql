-- The inbound pipeline's tables: one-time Telegram link codes, senders no
-- person has (with at most one polite reply a day), and whether a person
-- has blocked the bot on Telegram. The PostgreSQL file of the same number
-- holds the same; change both together.

-- +goose Up

CREATE TABLE link_codes (
    code                TEXT PRIMARY KEY CONSTRAINT link_codes_code_shape CHECK (length(code) BETWEEN 16 AND 64 AND code NOT GLOB '*[^A-Za-z0-9_-]*'),
    scheme_id           INTEGER NOT NULL REFERENCES schemes (id),
    person_id           INTEGER,
    link_worker_id      INTEGER,
    created_at          TIMESTAMP NOT NULL,
    expires_at          TIMESTAMP NOT NULL,
    used_at             TIMESTAMP,
    CONSTRAINT link_codes_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT link_codes_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT link_codes_one_owner CHECK ((person_id IS NULL) <> (link_worker_id IS NULL))
);

CREATE TABLE unknown_senders (
    channel             TEXT NOT NULL,
    address_hash        TEXT NOT NULL,
    address             TEXT,
    first_seen_at       TIMESTAMP NOT NULL,
    last_seen_at        TIMESTAMP NOT NULL,
    seen                INTEGER NOT NULL DEFAULT 1,
    last_replied_at     TIMESTAMP,
    reply_status        TEXT CONSTRAINT unknown_senders_reply_status_known CHECK (reply_status IN ('queued', 'sending', 'sent', 'failed')),
    lease_owner         TEXT,
    lease_until         TIMESTAMP,
    PRIMARY KEY (channel, address_hash),
    CONSTRAINT unknown_senders_queued_has_address CHECK (reply_status NOT IN ('queued', 'sending') OR address IS NOT NULL)
);
CREATE INDEX unknown_senders_reply ON unknown_senders ((coalesce(lease_until, last_replied_at))) WHERE reply_status IN ('queued', 'sending');

ALTER TABLE people ADD COLUMN telegram_blocked_at TIMESTAMP;

-- Answer buttons offered with a message on Telegram: [{"text":…,"data":…}].
ALTER TABLE messages ADD COLUMN buttons TEXT NOT NULL DEFAULT '[]' CONSTRAINT messages_buttons_array CHECK (json_valid(buttons) AND json_type(buttons) = 'array');

-- The pipeline finds who wrote in by address alone, in any scheme.
CREATE INDEX people_inbound_phone ON people (phone) WHERE phone IS NOT NULL;
CREATE INDEX people_inbound_telegram ON people (telegram_chat_id) WHERE telegram_chat_id IS NOT NULL;

-- The dispatcher looks up one address's recent sends (the loop guard) and
-- its messages waiting for a retry (to keep them in order).
CREATE INDEX messages_recent_sends ON messages (address, sent_at) WHERE direction = 'out';

-- +goose Down
DROP INDEX messages_recent_sends;
DROP INDEX people_inbound_telegram;
DROP INDEX people_inbound_phone;
ALTER TABLE messages DROP COLUMN buttons;
ALTER TABLE people DROP COLUMN telegram_blocked_at;
DROP TABLE unknown_senders;
DROP TABLE link_codes;
