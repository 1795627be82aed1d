-- Setting up a scheme from the binary, and referrals as schemes receive
-- them. The PostgreSQL migration of the same number makes the same change;
-- change both together.

-- +goose Up
-- sign_in_links: one-time links that let a new link worker (or one whose
-- link expired) set their password. The link carries a random token;
-- token_hash is its SHA-256, never the token. A link works once, until
-- expires_at.
CREATE TABLE sign_in_links (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id           INTEGER NOT NULL,
    link_worker_id      INTEGER NOT NULL,
    token_hash          TEXT NOT NULL CONSTRAINT sign_in_links_token_hash_sha256 CHECK (length(token_hash) = 64),
    created_at          TIMESTAMP NOT NULL,
    expires_at          TIMESTAMP NOT NULL,
    used_at             TIMESTAMP,
    CONSTRAINT sign_in_links_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT sign_in_links_token_unique UNIQUE (token_hash),
    CONSTRAINT sign_in_links_expiry_order CHECK (expires_at > created_at)
);
CREATE INDEX sign_in_links_link_worker ON sign_in_links (link_worker_id);

-- What a referral carries beyond a name and an address.
ALTER TABLE people ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN telegram_wanted BOOLEAN NOT NULL DEFAULT 0 CHECK (telegram_wanted IN (0, 1));
ALTER TABLE people ADD COLUMN nhs_number TEXT CONSTRAINT people_nhs_number_shape CHECK (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*');
ALTER TABLE people ADD COLUMN date_of_birth TEXT CONSTRAINT people_date_of_birth_shape CHECK (date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE people ADD COLUMN gp_practice TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN referral_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN needs TEXT NOT NULL DEFAULT '[]' CONSTRAINT people_needs_array CHECK (json_valid(needs) AND json_type(needs) = 'array');
ALTER TABLE people ADD COLUMN consent_how TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX people_active_nhs_number ON people (scheme_id, nhs_number) WHERE status = 'active' AND nhs_number IS NOT NULL;

-- +goose Down
DROP INDEX people_active_nhs_number;
ALTER TABLE people DROP COLUMN consent_how;
ALTER TABLE people DROP COLUMN needs;
ALTER TABLE people DROP COLUMN referral_reason;
ALTER TABLE people DROP COLUMN gp_practice;
ALTER TABLE people DROP COLUMN date_of_birth;
ALTER TABLE people DROP COLUMN nhs_number;
ALTER TABLE people DROP COLUMN telegram_wanted;
ALTER TABLE people DROP COLUMN preferred_name;
DROP TABLE sign_in_links;
