-- Links between a person's rows stay with that person: a message's nudge,
-- and the message behind an answer or an escalation, belong to the same
-- person. (The SQLite migration of the same number does this with triggers.)

-- +goose Up
ALTER TABLE messages ADD CONSTRAINT messages_id_person UNIQUE (id, person_id);
ALTER TABLE nudges ADD CONSTRAINT nudges_id_person UNIQUE (id, person_id);
ALTER TABLE messages ADD CONSTRAINT messages_nudge_same_person
    FOREIGN KEY (nudge_id, person_id) REFERENCES nudges (id, person_id);
ALTER TABLE answers ADD CONSTRAINT answers_message_same_person
    FOREIGN KEY (message_id, person_id) REFERENCES messages (id, person_id);
ALTER TABLE escalations ADD CONSTRAINT escalations_message_same_person
    FOREIGN KEY (message_id, person_id) REFERENCES messages (id, person_id);

-- +goose Down
ALTER TABLE escalations DROP CONSTRAINT escalations_message_same_person;
ALTER TABLE answers DROP CONSTRAINT answers_message_same_person;
ALTER TABLE messages DROP CONSTRAINT messages_nudge_same_person;
ALTER TABLE nudges DROP CONSTRAINT nudges_id_person;
ALTER TABLE messages DROP CONSTRAINT messages_id_person;
