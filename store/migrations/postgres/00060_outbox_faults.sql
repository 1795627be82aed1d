-- An outbox that survives faults: delivery reports that come before their
-- message's provider id is recorded, one send rate per sender shared by
-- every process, and a deadline per message. The SQLite migration of the
-- same number makes the same change; change both together.

-- +goose Up
-- early_statuses: a provider's delivery report for a provider id no message
-- has yet (the send's outcome is committed just after the report came).
-- The dispatcher applies it once the id is recorded, then deletes it.
CREATE TABLE early_statuses (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel             text NOT NULL CONSTRAINT early_statuses_channel_known CHECK (channel IN ('sms', 'telegram', 'simulated')),
    provider_id         text NOT NULL CONSTRAINT early_statuses_provider_id_present CHECK (provider_id <> ''),
    status              text NOT NULL CONSTRAINT early_statuses_status_known CHECK (status IN ('sent', 'delivered', 'undelivered', 'failed')),
    error_code          text NOT NULL DEFAULT '',
    opted_out           boolean NOT NULL DEFAULT false,
    received_at         timestamptz NOT NULL
);
CREATE INDEX early_statuses_provider ON early_statuses (channel, provider_id);

-- send_rates: the theoretical arrival time (microseconds since 1970) of the
-- next send for each rate-limited sender (GCRA), shared by all processes.
CREATE TABLE send_rates (
    key                 text PRIMARY KEY,
    tat                 bigint NOT NULL
);

-- messages.send_by: the latest time the message may still be sent; past it
-- the message is dropped as stale. NULL takes the default of its kind.
ALTER TABLE messages ADD COLUMN send_by timestamptz;

-- +goose Down
ALTER TABLE messages DROP COLUMN send_by;
DROP TABLE send_rates;
DROP TABLE early_statuses;
