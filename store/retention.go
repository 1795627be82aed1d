package store

import (
	"context"
	"encoding/json"
	"time"
)

// DefaultRetentionYears is how long after support ends the words of a
// person's record are kept unless the scheme says otherwise: the NHS
// Records Management Code's minimum for adult care records (8 years after
// the end of care). See README.md, "Data protection".
const DefaultRetentionYears = 8

// RetentionYears is how many years after support ends the scheme keeps the
// words of a person's record (the settings key "retention_years", 1 to
// 30); DefaultRetentionYears when unset or out of range.
func (s Scheme) RetentionYears() int {
	var raw struct {
		Years *int `json:"retention_years"`
	}
	if len(s.Settings) > 0 && json.Unmarshal(s.Settings, &raw) == nil && raw.Years != nil && *raw.Years >= 1 && *raw.Years <= 30 {
		return *raw.Years
	}
	return DefaultRetentionYears
}

// PurgeReport counts what PurgeExpired removed.
type PurgeReport struct {
	People      int64 `json:"people"`      // people whose records were purged
	Messages    int64 `json:"messages"`    // messages whose text was removed
	Answers     int64 `json:"answers"`     // answers whose words were removed (their scores stay)
	Notes       int64 `json:"notes"`       // notes deleted
	Escalations int64 `json:"escalations"` // escalations whose note was removed
}

// PurgeExpired removes, for every person whose support ended more than
// their scheme's RetentionYears before now, the words of their record:
// the text of every message to and from them (and any provider error text
// and answer buttons), the words of their answers, their notes, the notes
// of their escalations, the places of their contacts, the state of their
// dialogue runs, the summaries sent back to their GP, why they were
// referred and why support ended. Everything else stays: the person's
// details (until erased), dates, statuses, counts, needs categories and
// every answer's measure key and score, so the scheme's anonymous figures
// are unchanged. Each purged person is marked (purged_at) and purged once,
// and audited as "retention.purged" with the counts, at now (the clock of
// whoever runs it). Run it daily; two
// processes running it at once purge each person once.
func (db *DB) PurgeExpired(ctx context.Context, now time.Time) (PurgeReport, error) {
	var total PurgeReport
	schemes, err := read(ctx, db, func(tx *Tx) ([]Scheme, error) { return tx.ListSchemes(ctx) })
	if err != nil {
		return total, err
	}
	for _, s := range schemes {
		cutoff := utc(now).AddDate(-s.RetentionYears(), 0, 0)
		err := db.InTx(ctx, func(tx *Tx) error {
			tx = tx.At(now)
			var ids []int64
			if err := tx.selectAll(ctx, "find expired records", &ids, `SELECT id FROM people
				WHERE scheme_id = ? AND ended_at IS NOT NULL AND ended_at < ? AND purged_at IS NULL ORDER BY id`+tx.skipLocked(),
				s.ID, cutoff); err != nil {
				return err
			}
			for _, id := range ids {
				rep, err := tx.purgePerson(ctx, id, cutoff)
				if err != nil {
					return err
				}
				total.People += rep.People
				total.Messages += rep.Messages
				total.Answers += rep.Answers
				total.Notes += rep.Notes
				total.Escalations += rep.Escalations
			}
			return nil
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// purgePerson removes the words of one person's expired record and audits it.
func (tx *Tx) purgePerson(ctx context.Context, personID int64, cutoff time.Time) (PurgeReport, error) {
	const op = "purge expired record"
	rep := PurgeReport{People: 1}
	steps := []struct {
		n *int64
		q string
	}{
		{nil, `UPDATE people SET referral_reason = '', ended_reason = '', purged_at = ? WHERE id = ?`},
		{&rep.Messages, `UPDATE messages SET body = '', error_text = '', buttons = '[]' WHERE person_id = ? AND (body <> '' OR error_text <> '')`},
		{&rep.Answers, `UPDATE answers SET words = '' WHERE person_id = ? AND words <> ''`},
		{&rep.Notes, `DELETE FROM notes WHERE person_id = ?`},
		{&rep.Escalations, `UPDATE escalations SET note = '' WHERE person_id = ? AND note <> ''`},
		{nil, `UPDATE contacts SET place = '' WHERE person_id = ?`},
		{nil, `UPDATE dialogue_runs SET state = '{}', subject = '{}' WHERE person_id = ?`},
		{nil, `UPDATE support_summaries SET what_matters = '', summary = '{}' WHERE person_id = ?`},
	}
	for i, s := range steps {
		args := []any{personID}
		if i == 0 {
			args = []any{tx.now, personID}
		}
		n, err := tx.exec(ctx, op, s.q, args...)
		if err != nil {
			return rep, err
		}
		if s.n != nil {
			*s.n = n
		}
	}
	p, err := tx.GetPerson(ctx, personID)
	if err != nil {
		return rep, err
	}
	detail, err := json.Marshal(map[string]any{"ended_before": cutoff, "messages": rep.Messages,
		"answers": rep.Answers, "notes": rep.Notes, "escalations": rep.Escalations})
	if err != nil {
		return rep, invalid(op, "%v", err)
	}
	return rep, tx.RecordAudit(ctx, &AuditEvent{SchemeID: p.SchemeID, Actor: "system", Action: "retention.purged",
		PersonID: &personID, Detail: detail})
}

// WithRetentionYears returns the scheme's settings object with the
// retention set to years (1 to 30), keeping every other key.
func (s Scheme) WithRetentionYears(years int) (JSON, error) {
	if years < 1 || years > 30 {
		return nil, invalid("set retention", "keep records between 1 and 30 years after support ends")
	}
	m := map[string]any{}
	if len(s.Settings) > 0 {
		if err := json.Unmarshal(s.Settings, &m); err != nil {
			return nil, invalid("set retention", "the scheme's settings are not a JSON object: %v", err)
		}
	}
	m["retention_years"] = years
	b, err := json.Marshal(m)
	return JSON(b), err
}
