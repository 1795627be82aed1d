-- Outcomes: the message back to the GP or referrer when support ends,
-- recorded with whom it was sent to and when; and indexes the outcome
-- report reads by (a scheme's referrals in a period, a person's
-- escalations). The SQLite migration of the same number makes the same
-- change; change both together.

-- +goose Up
-- support_summaries: a summary of a person's support sent to their GP or
-- referrer. what_matters is what mattered to the person, in the link
-- worker's words; summary is the structured message as it was sent
-- (PRSB message-back headings). Rows are only added.
CREATE TABLE support_summaries (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    person_id           bigint NOT NULL,
    sent_by             bigint NOT NULL,
    sent_to             text NOT NULL CONSTRAINT support_summaries_sent_to_present CHECK (btrim(sent_to) <> ''),
    sent_at             timestamptz NOT NULL,
    what_matters        text NOT NULL DEFAULT '',
    summary             jsonb NOT NULL DEFAULT '{}' CONSTRAINT support_summaries_summary_object CHECK (jsonb_typeof(summary) = 'object'),
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
