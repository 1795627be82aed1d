-- A reply reminder or expiry belongs to a run; a link worker who can sign
-- in has an email to sign in with. SQLite cannot add a check to an existing
-- table, so triggers refuse such rows with the name the PostgreSQL
-- constraint has.

-- +goose Up

-- +goose StatementBegin
CREATE TRIGGER nudges_reply_has_run_insert BEFORE INSERT ON nudges
WHEN NEW.kind IN ('reply_reminder', 'reply_expiry') AND NEW.run_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'nudges_reply_has_run');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER nudges_reply_has_run_update BEFORE UPDATE ON nudges
WHEN NEW.kind IN ('reply_reminder', 'reply_expiry') AND NEW.run_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'nudges_reply_has_run');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER link_workers_password_needs_email_insert BEFORE INSERT ON link_workers
WHEN NEW.password_hash IS NOT NULL AND NEW.email IS NULL
BEGIN
    SELECT RAISE(ABORT, 'link_workers_password_needs_email');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER link_workers_password_needs_email_update BEFORE UPDATE ON link_workers
WHEN NEW.password_hash IS NOT NULL AND NEW.email IS NULL
BEGIN
    SELECT RAISE(ABORT, 'link_workers_password_needs_email');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER link_workers_password_needs_email_update;
DROP TRIGGER link_workers_password_needs_email_insert;
DROP TRIGGER nudges_reply_has_run_update;
DROP TRIGGER nudges_reply_has_run_insert;
