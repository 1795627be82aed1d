-- Casework: a contact the person did not come to, and why support ended.
-- The SQLite migration of the same number makes the same change; change
-- both together.

-- +goose Up
ALTER TABLE contacts DROP CONSTRAINT contacts_status_known;
ALTER TABLE contacts ADD CONSTRAINT contacts_status_known
    CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done', 'did_not_attend'));

-- people.ended_reason: in the link worker's words, why support ended ('' while it goes on).
ALTER TABLE people ADD COLUMN ended_reason text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE people DROP COLUMN ended_reason;
-- The old schema has no word for a missed contact: it did not take place.
UPDATE contacts SET status = 'cancelled' WHERE status = 'did_not_attend';
ALTER TABLE contacts DROP CONSTRAINT contacts_status_known;
ALTER TABLE contacts ADD CONSTRAINT contacts_status_known
    CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done'));
