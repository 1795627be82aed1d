// Package outcomes turns a scheme's records into the evidence commissioners
// and GPs ask for: each person's start and end wellbeing scores and
// whether they changed meaningfully, the scheme report for a period (with
// small numbers suppressed), the episode export following the PRSB Social
// Prescribing Information Standard, and the message back to the GP when
// support ends.
//
// Everything here is computed from rows that stay meaningful once names and
// message text are erased: scores, dates, counts, needs categories and
// community groups. Never from a message's text or a note.
package outcomes

import (
	"math"
	"sort"
	"time"

	"github.com/linkbot/linkbot/store"
)

// Measure is a scored question whose first and last answers are compared.
type Measure struct {
	Key   string // the answers' measure key, e.g. "ons4.anxiety"
	Label string
	// Column names the measure in the episode export (CSV and JSON).
	Column        string
	Min, Max      float64
	LowerIsBetter bool
	// Meaningful is the smallest change, in the measure's points, that
	// counts as a meaningful improvement or worsening.
	Meaningful float64
	// SNOMED is the SNOMED CT concept for the score where one exists
	// ("" where none does: see the data dictionary).
	SNOMED string
}

// SNOMED CT concepts the export uses. The two social prescribing codes are
// NHS England's national codes for social prescribing, as listed by NHS
// England's social prescribing guidance and e.g. "Social prescribing SNOMED
// codes" (socialrx.co.uk): 871731000000106 |Referral to social prescribing
// service| and 871711000000103 |Social prescribing declined|.
// 718466001 |Short Warwick-Edinburgh Mental Well-being Scale score| is the
// code the PRSB standard's outcome section names for SWEMWBS (as given in
// issue 15; check it against the NHS Digital terminology browser before
// relying on it). ONS4 items have no SNOMED CT concept: the export keys
// them "ons4_…".
const (
	SNOMEDReferral = "871731000000106"
	SNOMEDDeclined = "871711000000103"
	SNOMEDSWEMWBS  = "718466001"
)

// ONS4Threshold is the change, in points of a 0–10 ONS4 item, that Linkbot
// counts as meaningful. ONS publishes no minimal important change for its
// personal wellbeing questions; answers are whole numbers, so 1 point is
// the smallest possible change and is within a person's ordinary week to
// week variation on a single question. 2 points is the width of ONS's own
// "medium" (5–6) and "high" (7–8) bands (ONS, "Personal well-being in the
// UK: QMI", thresholds 0–4 low, 5–6 medium, 7–8 high, 9–10 very high), so a
// change of 2 or more moves a person by a whole band.
const ONS4Threshold = 2

// SWEMWBSThreshold is the change in the SWEMWBS metric score (never the
// raw total) counted as meaningful: 3 points. Source: Warwick Medical
// School, "Collect, score, analyse and interpret WEMWBS"
// (warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto), and
// Shah N et al., "Responsiveness of the Short Warwick Edinburgh Mental
// Well-Being Scale (SWEMWBS): evaluation a clinical sample", Health Qual
// Life Outcomes 2018;16:239 (doi:10.1186/s12955-018-1060-2), where a
// change of 1 to 3 points meets thresholds for statistically important
// individual change, 2.77 SEM being 2.87 points: 3 is the top of that
// range, the standard's most conservative reading.
const SWEMWBSThreshold = 3

// Measures are the measures reported start versus end, in report order.
var Measures = []Measure{
	{Key: "ons4.life_satisfaction", Label: "Life satisfaction (ONS4)", Column: "ons4_life_satisfaction", Min: 0, Max: 10, Meaningful: ONS4Threshold},
	{Key: "ons4.worthwhile", Label: "Worthwhile (ONS4)", Column: "ons4_worthwhile", Min: 0, Max: 10, Meaningful: ONS4Threshold},
	{Key: "ons4.happiness", Label: "Happiness (ONS4)", Column: "ons4_happiness", Min: 0, Max: 10, Meaningful: ONS4Threshold},
	{Key: "ons4.anxiety", Label: "Anxiety (ONS4, lower is better)", Column: "ons4_anxiety", Min: 0, Max: 10, LowerIsBetter: true, Meaningful: ONS4Threshold},
	{Key: "swemwbs.metric", Label: "SWEMWBS (metric score)", Column: "swemwbs_metric", Min: 7, Max: 35, Meaningful: SWEMWBSThreshold, SNOMED: SNOMEDSWEMWBS},
}

// swemwbsRaw is the key of the SWEMWBS raw total (7–35), shown beside the
// metric score; its change is never judged.
const swemwbsRaw = "swemwbs.raw"

// Direction says which way a score moved.
type Direction string

// The directions: by the measure's meaningful change or more, the better
// way or the worse; otherwise the same.
const (
	Improved Direction = "improved"
	Same     Direction = "same"
	Worse    Direction = "worse"
)

// judge says which way first to last moved on m.
func (m Measure) judge(first, last float64) Direction {
	gain := last - first
	if m.LowerIsBetter {
		gain = -gain
	}
	switch {
	case gain >= m.Meaningful-1e-9:
		return Improved
	case -gain >= m.Meaningful-1e-9:
		return Worse
	}
	return Same
}

// rule is m as the store's aggregate reads it.
func (m Measure) rule() store.ScoreRule {
	return store.ScoreRule{Key: m.Key, Threshold: m.Meaningful, LowerIsBetter: m.LowerIsBetter}
}

// Change is a person's first and last answer to one measure within their
// episode of support.
type Change struct {
	Measure   Measure
	First     float64
	Last      float64
	FirstAt   time.Time
	LastAt    time.Time
	Answers   int
	Change    float64   // last minus first
	Direction Direction // improved, same or worse; "" with one answer
	// RawFirst and RawLast are SWEMWBS's raw totals beside the metric
	// score, when recorded.
	RawFirst, RawLast *float64
}

// Paired reports whether there is a start and an end to compare.
func (c Change) Paired() bool { return c.Answers >= 2 }

// Meaningful reports whether the change is meaningful either way.
func (c Change) Meaningful() bool { return c.Direction == Improved || c.Direction == Worse }

// PersonChanges compares the first and last answer to each measure among a
// person's answers (one person is one episode of support), in the order of
// Measures; a measure never answered is left out.
func PersonChanges(answers []store.Answer) []Change {
	byKey := map[string][]store.Answer{}
	for _, a := range answers {
		if a.MeasureKey != nil && a.Value != nil {
			byKey[*a.MeasureKey] = append(byKey[*a.MeasureKey], a)
		}
	}
	for _, list := range byKey {
		sort.SliceStable(list, func(i, j int) bool {
			if !list[i].AnsweredAt.Equal(list[j].AnsweredAt) {
				return list[i].AnsweredAt.Before(list[j].AnsweredAt)
			}
			return list[i].ID < list[j].ID
		})
	}
	var out []Change
	for _, m := range Measures {
		list := byKey[m.Key]
		if len(list) == 0 {
			continue
		}
		f, l := list[0], list[len(list)-1]
		c := Change{Measure: m, First: *f.Value, Last: *l.Value, FirstAt: f.AnsweredAt, LastAt: l.AnsweredAt, Answers: len(list)}
		if c.Paired() {
			c.Change = round2(c.Last - c.First)
			c.Direction = m.judge(c.First, c.Last)
		}
		if m.Key == "swemwbs.metric" {
			if raw := byKey[swemwbsRaw]; len(raw) > 0 {
				c.RawFirst, c.RawLast = raw[0].Value, raw[len(raw)-1].Value
			}
		}
		out = append(out, c)
	}
	return out
}

// round2 rounds to two decimal places, the precision of the SWEMWBS table.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
