-- A reply reminder or expiry belongs to a run; a link worker who can sign
-- in has an email to sign in with. (The SQLite migration of the same number
-- does this with triggers.)

-- +goose Up
ALTER TABLE nudges ADD CONSTRAINT nudges_reply_has_run
    CHECK (kind NOT IN ('reply_reminder', 'reply_expiry') OR run_id IS NOT NULL);
ALTER TABLE link_workers ADD CONSTRAINT link_workers_password_needs_email
    CHECK (password_hash IS NULL OR email IS NOT NULL);

-- +goose Down
ALTER TABLE link_workers DROP CONSTRAINT link_workers_password_needs_email;
ALTER TABLE nudges DROP CONSTRAINT nudges_reply_has_run;
