-- Nudges: the planner finds a contact's reminders and a run's reply timers
-- by index.

-- +goose Up
CREATE INDEX nudges_contact_open ON nudges (contact_id) WHERE contact_id IS NOT NULL AND status IN ('planned', 'claimed');
CREATE INDEX nudges_run_open ON nudges (run_id) WHERE run_id IS NOT NULL AND status IN ('planned', 'claimed');

-- +goose Down
DROP INDEX nudges_run_open;
DROP INDEX nudges_contact_open;
