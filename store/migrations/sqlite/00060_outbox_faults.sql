-- An outbox that survives faults: delivery reports that come before their
-- message's provider id is recorded, one send rate per sender shared by
-- every process, and a deadline per message. The PostgreSQL migration of
-- the same number makes the same change; change both together.

-- +goose Up
CREATE TABLE early_statuses (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    channel             TEXT NOT NULL CONSTRAINT early_statuses_channel_known CHECK (channel IN ('sms', 'telegram', 'simulated')),
    provider_id         TEXT NOT NULL CONSTRAINT early_statuses_provider_id_present CHECK (provider_id <> ''),
    status              TEXT NOT NULL CONSTRAINT early_statuses_status_known CHECK (status IN ('sent', 'delivered', 'undelivered', 'failed')),
    error_code          TEXT NOT NULL DEFAULT '',
    opted_out           BOOLEAN NOT NULL DEFAULT false,
    received_at         TIMESTAMP NOT NULL
);
CREATE INDEX early_statuses_provider ON early_statuses (channel, provider_id);

CREATE TABLE send_rates (
    key                 TEXT PRIMARY KEY,
    tat                 INTEGER NOT NULL
);

ALTER TABLE messages ADD COLUMN send_by TIMESTAMP;

-- +goose Down
ALTER TABLE messages DROP COLUMN send_by;
DROP TABLE send_rates;
DROP TABLE early_statuses;
