-- The addresses a scheme sends from and is written to: its Twilio numbers
-- and its Telegram bot. Inbound messages are matched on (the address they
-- came to, the sender), so one phone can be known to two schemes and
-- nothing crosses between them. The SQLite migration of the same number
-- does the same; change both together.

-- +goose Up
CREATE TABLE scheme_senders (
    id                  bigserial PRIMARY KEY,
    scheme_id           bigint NOT NULL REFERENCES schemes (id),
    channel             text NOT NULL CONSTRAINT scheme_senders_channel_known CHECK (channel IN ('sms', 'telegram', 'simulated')),
    address             text NOT NULL CONSTRAINT scheme_senders_address_present CHECK (btrim(address) <> ''),
    created_at          timestamptz NOT NULL,
    CONSTRAINT scheme_senders_one_scheme UNIQUE (channel, address)
);
CREATE INDEX scheme_senders_scheme ON scheme_senders (scheme_id);

-- +goose Down
DROP TABLE scheme_senders;
