-- The inbound pipeline's tables: one-time Telegram link codes, senders no
-- person has (with at most one polite reply a day), and whether a person
-- has blocked the bot on Telegram. The SQLite file of the same number holds
-- the same; change both together.

-- +goose Up

-- link_codes: one-time codes in t.me/<bot>?start=<code> links. "/start
-- <code>" binds the chat to the person or link worker the code was issued
-- for, once, before it expires.
CREATE TABLE link_codes (
    code                text PRIMARY KEY CONSTRAINT link_codes_code_shape CHECK (code ~ '^[A-Za-z0-9_-]{16,64}$'),
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    person_id           bigint,
    link_worker_id      bigint,
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz,
    CONSTRAINT link_codes_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT link_codes_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT link_codes_one_owner CHECK ((person_id IS NULL) <> (link_worker_id IS NULL))
);

-- unknown_senders: addresses that wrote in but belong to no one. The
-- address is kept (as a hash) only to allow one polite reply a day; the
-- address itself only until that reply has gone. Nothing they wrote is kept.
CREATE TABLE unknown_senders (
    channel             text NOT NULL,
    address_hash        text NOT NULL,
    address             text,
    first_seen_at       timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    seen                integer NOT NULL DEFAULT 1,
    last_replied_at     timestamptz,
    reply_status        text CONSTRAINT unknown_senders_reply_status_known CHECK (reply_status IN ('queued', 'sending', 'sent', 'failed')),
    lease_owner         text,
    lease_until         timestamptz,
    PRIMARY KEY (channel, address_hash),
    CONSTRAINT unknown_senders_queued_has_address CHECK (reply_status NOT IN ('queued', 'sending') OR address IS NOT NULL)
);
CREATE INDEX unknown_senders_reply ON unknown_senders ((coalesce(lease_until, last_replied_at))) WHERE reply_status IN ('queued', 'sending');

ALTER TABLE people ADD COLUMN telegram_blocked_at timestamptz;

-- Answer buttons offered with a message on Telegram: [{"text":…,"data":…}].
ALTER TABLE messages ADD COLUMN buttons jsonb NOT NULL DEFAULT '[]' CONSTRAINT messages_buttons_array CHECK (jsonb_typeof(buttons) = 'array');

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
