-- Nudges: a gap in local provision is an escalation reason, and the
-- planner finds a contact's reminders and a run's reply timers by index.

-- +goose Up
ALTER TABLE escalations DROP CONSTRAINT escalations_reason_known;
ALTER TABLE escalations ADD CONSTRAINT escalations_reason_known CHECK (reason IN
    ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out', 'provision_gap'));
CREATE INDEX nudges_contact_open ON nudges (contact_id) WHERE contact_id IS NOT NULL AND status IN ('planned', 'claimed');
CREATE INDEX nudges_run_open ON nudges (run_id) WHERE run_id IS NOT NULL AND status IN ('planned', 'claimed');

-- +goose Down
DROP INDEX nudges_run_open;
DROP INDEX nudges_contact_open;
ALTER TABLE escalations DROP CONSTRAINT escalations_reason_known;
ALTER TABLE escalations ADD CONSTRAINT escalations_reason_known CHECK (reason IN
    ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out'));
