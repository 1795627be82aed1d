-- Setting up a scheme from the binary, and referrals as schemes receive
-- them. The SQLite migration of the same number makes the same change;
-- change both together.

-- +goose Up
-- sign_in_links: one-time links that let a new link worker (or one whose
-- link expired) set their password. The link carries a random token;
-- token_hash is its SHA-256, never the token. A link works once, until
-- expires_at.
CREATE TABLE sign_in_links (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    link_worker_id      bigint NOT NULL,
    token_hash          text NOT NULL CONSTRAINT sign_in_links_token_hash_sha256 CHECK (length(token_hash) = 64),
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz,
    CONSTRAINT sign_in_links_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT sign_in_links_token_unique UNIQUE (token_hash),
    CONSTRAINT sign_in_links_expiry_order CHECK (expires_at > created_at)
);
CREATE INDEX sign_in_links_link_worker ON sign_in_links (link_worker_id);

-- What a referral carries beyond a name and an address.
ALTER TABLE people ADD COLUMN preferred_name text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN telegram_wanted boolean NOT NULL DEFAULT false;
ALTER TABLE people ADD COLUMN nhs_number text CONSTRAINT people_nhs_number_shape CHECK (nhs_number ~ '^[0-9]{10}$');
ALTER TABLE people ADD COLUMN date_of_birth text CONSTRAINT people_date_of_birth_shape CHECK (date_of_birth ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');
ALTER TABLE people ADD COLUMN gp_practice text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN referral_reason text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN needs jsonb NOT NULL DEFAULT '[]' CONSTRAINT people_needs_array CHECK (jsonb_typeof(needs) = 'array');
ALTER TABLE people ADD COLUMN consent_how text NOT NULL DEFAULT '';
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
