-- What a dialogue run is about, kept when it starts so that every later
-- step renders and records the same whichever path carries it (a reply or
-- a timer): the template values fixed at the start (the contact's day,
-- time and place; the activity's name, day, time and place) and the
-- contact or referral the run's answers change. The PostgreSQL migration
-- of the same number does the same; change both together.

-- +goose Up
ALTER TABLE dialogue_runs ADD COLUMN subject TEXT NOT NULL DEFAULT '{}'
    CONSTRAINT dialogue_runs_subject_object CHECK (json_valid(subject) AND json_type(subject) = 'object');

-- +goose Down
ALTER TABLE dialogue_runs DROP COLUMN subject;
