-- Nudges: a gap in local provision is an escalation reason, and the
-- planner finds a contact's reminders and a run's reply timers by index.
-- SQLite cannot change a CHECK constraint, so escalations is rebuilt
-- (no table refers to it).

-- +goose Up
CREATE TABLE escalations_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER,
    message_id          INTEGER REFERENCES messages (id),
    reason              TEXT NOT NULL CONSTRAINT escalations_reason_known CHECK (reason IN ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out', 'provision_gap')),
    urgency             TEXT NOT NULL CONSTRAINT escalations_urgency_known CHECK (urgency IN ('routine', 'soon', 'urgent')),
    note                TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    notified_at         TIMESTAMP,
    duty_notified_at    TIMESTAMP,
    acknowledged_by     INTEGER,
    acknowledged_at     TIMESTAMP,
    resolved_at         TIMESTAMP,
    CONSTRAINT escalations_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT escalations_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_by_same_scheme FOREIGN KEY (acknowledged_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_whole CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
INSERT INTO escalations_new (id, scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at, notified_at, duty_notified_at, acknowledged_by, acknowledged_at, resolved_at)
    SELECT id, scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at, notified_at, duty_notified_at, acknowledged_by, acknowledged_at, resolved_at FROM escalations;
DROP TABLE escalations;
ALTER TABLE escalations_new RENAME TO escalations;
CREATE INDEX escalations_open ON escalations (scheme_id, created_at) WHERE resolved_at IS NULL;
CREATE INDEX nudges_contact_open ON nudges (contact_id) WHERE contact_id IS NOT NULL AND status IN ('planned', 'claimed');
CREATE INDEX nudges_run_open ON nudges (run_id) WHERE run_id IS NOT NULL AND status IN ('planned', 'claimed');

-- +goose Down
DROP INDEX nudges_run_open;
DROP INDEX nudges_contact_open;
CREATE TABLE escalations_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER,
    message_id          INTEGER REFERENCES messages (id),
    reason              TEXT NOT NULL CONSTRAINT escalations_reason_known CHECK (reason IN ('risk', 'wants_contact', 'rearrange', 'low_score', 'no_response', 'delivery_failed', 'opted_out')),
    urgency             TEXT NOT NULL CONSTRAINT escalations_urgency_known CHECK (urgency IN ('routine', 'soon', 'urgent')),
    note                TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    notified_at         TIMESTAMP,
    duty_notified_at    TIMESTAMP,
    acknowledged_by     INTEGER,
    acknowledged_at     TIMESTAMP,
    resolved_at         TIMESTAMP,
    CONSTRAINT escalations_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT escalations_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_by_same_scheme FOREIGN KEY (acknowledged_by, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT escalations_acknowledged_whole CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
INSERT INTO escalations_new (id, scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at, notified_at, duty_notified_at, acknowledged_by, acknowledged_at, resolved_at)
    SELECT id, scheme_id, person_id, link_worker_id, message_id, reason, urgency, note, created_at, notified_at, duty_notified_at, acknowledged_by, acknowledged_at, resolved_at FROM escalations WHERE reason <> 'provision_gap';
DROP TABLE escalations;
ALTER TABLE escalations_new RENAME TO escalations;
CREATE INDEX escalations_open ON escalations (scheme_id, created_at) WHERE resolved_at IS NULL;
