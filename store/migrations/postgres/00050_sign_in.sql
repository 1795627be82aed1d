-- Sign-in that holds: a browser where a link worker has signed in before
-- is known, so failed sign-ins elsewhere do not slow it down.
-- The SQLite migration of the same number makes the same change; change
-- both together.

-- +goose Up
-- known_devices: a browser on which a link worker signed in. The device
-- cookie carries a random token; token_hash is its SHA-256, never the
-- token. One browser may be known for several link workers.
CREATE TABLE known_devices (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id           bigint NOT NULL,
    link_worker_id      bigint NOT NULL,
    token_hash          text NOT NULL CONSTRAINT known_devices_token_hash_sha256 CHECK (length(token_hash) = 64),
    created_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    CONSTRAINT known_devices_link_worker_same_scheme FOREIGN KEY (link_worker_id, scheme_id) REFERENCES link_workers (id, scheme_id),
    CONSTRAINT known_devices_once_per_worker UNIQUE (link_worker_id, token_hash),
    CONSTRAINT known_devices_expiry_order CHECK (expires_at > created_at)
);
CREATE INDEX known_devices_expiry ON known_devices (expires_at);

-- +goose Down
DROP TABLE known_devices;
