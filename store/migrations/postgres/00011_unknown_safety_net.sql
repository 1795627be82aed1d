-- A message that may show risk from an address no one has gets the
-- safety-net reply at once, whatever the one-polite-reply-a-day limit.

-- +goose Up
ALTER TABLE unknown_senders ADD COLUMN safety_net boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE unknown_senders DROP COLUMN safety_net;
