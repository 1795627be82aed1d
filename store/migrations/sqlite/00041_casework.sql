-- Casework: a contact the person did not come to, and why support ended.
-- The PostgreSQL migration of the same number makes the same change; change
-- both together.
--
-- SQLite cannot change a CHECK constraint in place, so contacts is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter), inside the
-- transaction goose runs this migration in. Foreign keys stay on: the
-- connection turns them on and PRAGMA foreign_keys cannot change inside a
-- transaction. PRAGMA defer_foreign_keys, which can (and ends with the
-- transaction), makes their check wait until commit instead: dropping the
-- old table leaves the nudges that name a contact (nudges_contact_same_person)
-- pointing at nothing for a moment, and copying every row back into the new
-- table of the same name, ids unchanged, makes them whole again. A reference
-- still dangling at commit fails the commit, and the migration with it, so
-- nothing can be half done. No other table, trigger or view refers to
-- contacts. The AUTOINCREMENT counter is carried over, so a contact id is
-- never given out twice. The new table is the old one with the one CHECK
-- widened; its index is made again.

-- +goose Up
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE contacts_copy AS SELECT * FROM contacts;
CREATE TEMP TABLE contacts_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'contacts';
DROP TABLE contacts;
CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER NOT NULL,
    starts_at           TIMESTAMP NOT NULL,
    kind                TEXT NOT NULL CONSTRAINT contacts_kind_known CHECK (kind IN ('home_visit', 'phone', 'video', 'in_person')),
    place               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'booked' CONSTRAINT contacts_status_known CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done', 'did_not_attend')),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CONSTRAINT contacts_id_person UNIQUE (id, person_id),
    CONSTRAINT contacts_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT contacts_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX contacts_person_starts ON contacts (person_id, starts_at);
INSERT INTO contacts (id, scheme_id, person_id, link_worker_id, starts_at, kind, place, status, created_at, updated_at)
    SELECT id, scheme_id, person_id, link_worker_id, starts_at, kind, place, status, created_at, updated_at FROM temp.contacts_copy;
UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM temp.contacts_seq)
    WHERE name = 'contacts' AND seq < (SELECT max(seq) FROM temp.contacts_seq);
INSERT INTO sqlite_sequence (name, seq) SELECT 'contacts', seq FROM temp.contacts_seq
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contacts');
DROP TABLE temp.contacts_seq;
DROP TABLE temp.contacts_copy;

-- people.ended_reason: in the link worker's words, why support ended ('' while it goes on).
ALTER TABLE people ADD COLUMN ended_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE people DROP COLUMN ended_reason;
-- The old schema has no word for a missed contact: it did not take place.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE contacts_copy AS SELECT * FROM contacts;
CREATE TEMP TABLE contacts_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'contacts';
DROP TABLE contacts;
CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    person_id           INTEGER NOT NULL,
    link_worker_id      INTEGER NOT NULL,
    starts_at           TIMESTAMP NOT NULL,
    kind                TEXT NOT NULL CONSTRAINT contacts_kind_known CHECK (kind IN ('home_visit', 'phone', 'video', 'in_person')),
    place               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'booked' CONSTRAINT contacts_status_known CHECK (status IN ('booked', 'confirmed', 'rearrange_requested', 'cancelled', 'done')),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CONSTRAINT contacts_id_person UNIQUE (id, person_id),
    CONSTRAINT contacts_person_same_scheme FOREIGN KEY (person_id, scheme_id) REFERENCES people (id, scheme_id),
    CONSTRAINT contacts_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id)
);
CREATE INDEX contacts_person_starts ON contacts (person_id, starts_at);
INSERT INTO contacts (id, scheme_id, person_id, link_worker_id, starts_at, kind, place, status, created_at, updated_at)
    SELECT id, scheme_id, person_id, link_worker_id, starts_at, kind, place,
        CASE status WHEN 'did_not_attend' THEN 'cancelled' ELSE status END, created_at, updated_at FROM temp.contacts_copy;
UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM temp.contacts_seq)
    WHERE name = 'contacts' AND seq < (SELECT max(seq) FROM temp.contacts_seq);
INSERT INTO sqlite_sequence (name, seq) SELECT 'contacts', seq FROM temp.contacts_seq
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contacts');
DROP TABLE temp.contacts_seq;
DROP TABLE temp.contacts_copy;
