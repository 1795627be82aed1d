-- The statements the pipeline runs for a plain inbound SMS, for pgbench:
-- what PostgreSQL alone sustains on a machine, to compare the webhook with.
-- pgbench -n -c 16 -j 2 -T 10 -f bot/testdata/pgbench-inbound.sql <database migrated and seeded with 500 people>
\set i random(0, 499)
BEGIN;
SELECT id, scheme_id, (SELECT r.id FROM dialogue_runs r WHERE r.person_id = people.id AND r.ended_at IS NULL) FROM people WHERE phone = '+4477009' || lpad(:i::text, 5, '0') ORDER BY status = 'active' DESC, referred_at DESC, people.id DESC LIMIT 1 FOR UPDATE;
INSERT INTO messages (scheme_id, person_id, direction, channel, address, kind, body, provider_id, status, created_at)
VALUES (1, :i + 1, 'in', 'sms', '+4477009' || lpad(:i::text, 5, '0'), 'inbound', 'Thanks, see you on Tuesday', md5(random()::text), 'received', now())
ON CONFLICT (channel, provider_id) DO NOTHING RETURNING id;
COMMIT;
