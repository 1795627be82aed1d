-- Links between a person's rows stay with that person: a message's nudge,
-- and the message behind an answer or an escalation, belong to the same
-- person. SQLite cannot add a foreign key to an existing table, so triggers
-- refuse such rows with the name the PostgreSQL constraint has.

-- +goose Up

-- +goose StatementBegin
CREATE TRIGGER messages_nudge_same_person_insert BEFORE INSERT ON messages
WHEN NEW.nudge_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM nudges WHERE id = NEW.nudge_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'messages_nudge_same_person');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_nudge_same_person_update BEFORE UPDATE OF nudge_id, person_id ON messages
WHEN NEW.nudge_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM nudges WHERE id = NEW.nudge_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'messages_nudge_same_person');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER answers_message_same_person_insert BEFORE INSERT ON answers
WHEN NEW.message_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'answers_message_same_person');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER answers_message_same_person_update BEFORE UPDATE OF message_id, person_id ON answers
WHEN NEW.message_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'answers_message_same_person');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER escalations_message_same_person_insert BEFORE INSERT ON escalations
WHEN NEW.message_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'escalations_message_same_person');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER escalations_message_same_person_update BEFORE UPDATE OF message_id, person_id ON escalations
WHEN NEW.message_id IS NOT NULL AND NEW.person_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM messages WHERE id = NEW.message_id AND person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'escalations_message_same_person');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER escalations_message_same_person_update;
DROP TRIGGER escalations_message_same_person_insert;
DROP TRIGGER answers_message_same_person_update;
DROP TRIGGER answers_message_same_person_insert;
DROP TRIGGER messages_nudge_same_person_update;
DROP TRIGGER messages_nudge_same_person_insert;
