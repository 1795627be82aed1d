-- A synthetic scheme for the outcome benchmarks (outcomestest.BulkScheme), made in PostgreSQL with
-- set-based statements. Go replaces :scheme, :n (people), :start (the first
-- referral, a timestamptz literal), :base (a number making phones and NHS
-- numbers unique in the database) and :dialogue before running each
-- statement; statements are separated by lines "-- next".
--
-- Each person: referred on one of 365 days from :start; consent two days
-- later; 7 in 10 ended 90 days after referral, 1 in 33 opted out; a start
-- check-in (ONS4, and SWEMWBS for 1 in 4) and, when ended, an end one;
-- three contacts (1 in 9 missed the second); 4 in 5 a group suggestion
-- (accepted, declined, attended or unanswered); 1 in 7 an escalation.
-- Tables are analysed as they fill, so that each statement is planned
-- for the rows the earlier ones made; last, VACUUM ANALYZE, as autovacuum
-- would have done to data this old.

INSERT INTO link_workers (scheme_id, name, role, active, email, created_at)
SELECT :scheme, 'Link worker ' || g, 'link_worker', true, 'worker' || g || '-s' || :scheme || '@bench.example', :start
FROM generate_series(1, 40) g
-- next
INSERT INTO community_groups (scheme_id, name, weekly_capacity, active, created_at)
SELECT :scheme, 'Group ' || g, CASE WHEN g % 6 = 0 THEN NULL ELSE 5 + g % 20 END, true, :start
FROM generate_series(1, 30) g
-- next
INSERT INTO people (scheme_id, link_worker_id, name, phone, consent_at, consent_by, opted_out_at, status, ended_at,
	referred_at, referral_source, created_at, needs, nhs_number, gp_practice, date_of_birth)
SELECT :scheme, w.id, 'Person ' || g, '+447' || lpad((:base + g)::text, 9, '0'), r.ref + interval '2 days', w.id,
	CASE WHEN g % 33 = 0 THEN r.ref + interval '40 days' END,
	CASE WHEN g % 10 < 7 THEN 'ended' ELSE 'active' END,
	CASE WHEN g % 10 < 7 THEN r.ref + interval '90 days' END,
	r.ref, (ARRAY['gp', 'gp', 'gp', 'practice_staff', 'self', 'social_care', 'voluntary_sector', 'housing', 'other'])[1 + g % 9],
	r.ref, (ARRAY['["loneliness"]', '["money"]', '["loneliness", "mental_wellbeing"]', '["physical_activity"]', '["housing"]'])[1 + g % 5]::jsonb,
	lpad((:base + g)::text, 10, '0'), 'B86' || lpad((g % 50)::text, 3, '0'), '1950-01-01'
FROM generate_series(1, :n) g
CROSS JOIN LATERAL (SELECT :start + (g % 365) * interval '1 day' + (g % 600) * interval '1 minute' AS ref) r
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM link_workers WHERE scheme_id = :scheme) w ON w.k = g % 40
-- next
ANALYZE people
-- next
INSERT INTO dialogue_runs (scheme_id, person_id, dialogue_id, started_at, ended_at, outcome)
SELECT p.scheme_id, p.id, :dialogue, p.referred_at + interval '3 days', p.referred_at + interval '3 days 1 hour', 'completed'
FROM people p WHERE p.scheme_id = :scheme
UNION ALL
SELECT p.scheme_id, p.id, :dialogue, p.ended_at + interval '1 hour', p.ended_at + interval '2 hours', 'completed'
FROM people p WHERE p.scheme_id = :scheme AND p.status = 'ended'
-- next
ANALYZE dialogue_runs
-- next
INSERT INTO answers (person_id, run_id, question_key, measure_key, value, answered_at)
SELECT r.person_id, r.id, m.key, m.key,
	least(10, greatest(0, CASE WHEN m.key = 'ons4.anxiety' THEN 7 - p.id % 4 - CASE WHEN e.is_end THEN p.id % 7 - 2 ELSE 0 END
		ELSE 3 + p.id % 5 + CASE WHEN e.is_end THEN p.id % 7 - 2 + m.k % 2 ELSE 0 END END)),
	r.started_at + m.k * interval '1 minute'
FROM dialogue_runs r JOIN people p ON p.id = r.person_id
CROSS JOIN (VALUES ('ons4.life_satisfaction', 0), ('ons4.worthwhile', 1), ('ons4.happiness', 2), ('ons4.anxiety', 3)) AS m(key, k)
CROSS JOIN LATERAL (SELECT r.started_at > p.referred_at + interval '4 days' AS is_end) e
WHERE p.scheme_id = :scheme
-- next
INSERT INTO answers (person_id, run_id, question_key, measure_key, value, answered_at)
SELECT r.person_id, r.id, k.key, k.key, CASE WHEN k.key = 'swemwbs.raw' THEN s.raw ELSE t.metric END, r.started_at + interval '5 minutes'
FROM dialogue_runs r JOIN people p ON p.id = r.person_id
CROSS JOIN LATERAL (SELECT least(35, greatest(7, 14 + p.id % 10 + CASE WHEN r.started_at > p.referred_at + interval '4 days' THEN p.id % 7 - 2 ELSE 0 END)) AS raw) s
JOIN (VALUES (7, 7.00), (8, 9.51), (9, 11.25), (10, 12.40), (11, 13.33), (12, 14.08), (13, 14.75), (14, 15.32), (15, 15.84), (16, 16.36),
	(17, 16.88), (18, 17.43), (19, 17.98), (20, 18.59), (21, 19.25), (22, 19.98), (23, 20.73), (24, 21.54), (25, 22.35), (26, 23.21),
	(27, 24.11), (28, 25.03), (29, 26.02), (30, 27.03), (31, 28.13), (32, 29.31), (33, 30.70), (34, 32.55), (35, 35.00)) AS t(raw, metric) ON t.raw = s.raw
CROSS JOIN (VALUES ('swemwbs.raw'), ('swemwbs.metric')) AS k(key)
WHERE p.scheme_id = :scheme AND p.id % 4 = 0
-- next
INSERT INTO contacts (scheme_id, person_id, link_worker_id, starts_at, kind, status, created_at, updated_at)
SELECT p.scheme_id, p.id, p.link_worker_id, p.referred_at + (3 + p.id % 20 + c.k * 14) * interval '1 day', 'phone',
	CASE WHEN c.k = 1 AND p.id % 9 = 0 THEN 'did_not_attend' ELSE 'done' END, p.referred_at, p.referred_at
FROM people p CROSS JOIN generate_series(0, 2) c(k) WHERE p.scheme_id = :scheme
-- next
INSERT INTO activity_referrals (scheme_id, person_id, group_id, suggested_at, accepted_at, declined_at, attended_at)
SELECT p.scheme_id, p.id, g.id, p.referred_at + interval '10 days',
	CASE WHEN p.id % 10 < 6 THEN p.referred_at + interval '11 days' END,
	CASE WHEN p.id % 10 IN (6, 7) THEN p.referred_at + interval '11 days' END,
	CASE WHEN p.id % 10 < 4 THEN p.referred_at + interval '17 days' END
FROM people p JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM community_groups WHERE scheme_id = :scheme) g ON g.k = p.id % 30
WHERE p.scheme_id = :scheme AND p.id % 5 <> 4
-- next
INSERT INTO escalations (scheme_id, person_id, link_worker_id, reason, urgency, created_at, acknowledged_by, acknowledged_at)
SELECT p.scheme_id, p.id, p.link_worker_id, (ARRAY['low_score', 'provision_gap', 'no_response', 'risk', 'wants_contact'])[1 + p.id % 5], 'routine',
	p.referred_at + interval '20 days', p.link_worker_id, p.referred_at + interval '20 days' + (p.id % 300) * interval '1 minute'
FROM people p WHERE p.scheme_id = :scheme AND p.id % 7 = 0
-- next
VACUUM ANALYZE
