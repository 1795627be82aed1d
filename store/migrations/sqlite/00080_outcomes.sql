-- Outcomes: the message back to the GP or referrer when support ends,
-- recorded with whom it was sent to and when; and indexes the outcome
-- report reads by. The PostgreSQL migration of the same number makes the
-- same change; change both together.

-- +goose Up
CREATE TABLE support_summaries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    sent_by             INTEGER NOT NULL,
    sent_to             TEXT NOT NULL CONSTRAINT support_summaries_sent_to_present CHECK (trim(sent_to) <> ''),
    sent_at             TIMESTAMP NOT NULL,
    what_matters        TEXT NOT NULL DEFAULT '',
    summary             TEXT NOT NULL DEFAULT '{}' CONSTRAINT support_summaries_summary_object CHECK (json_valid(summary) AND json_type(summary) = 'object'),
    CONSTRAINT support_summaries_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT support_summaries_sent_by_same_scheme FOREIGN KEY (sent_by, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX support_summaries_person ON support_summaries (person_id, sent_at);

CREATE INDEX people_scheme_referred ON people (scheme_id, referred_at);
CREATE INDEX escalations_person ON escalations (person_id);

-- +goose Down
DROP INDEX escalations_person;
DROP INDEX people_scheme_referred;
DROP TABLE support_summaries;
