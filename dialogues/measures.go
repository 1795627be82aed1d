package dialogues

import (
	"math"
	"slices"
)

// Conversion turns a total of answers into a published score; ok is false
// when the total is outside the table.
type Conversion func(total float64) (score float64, ok bool)

// Conversions are the conversions a record step may name in convert:.
var Conversions = map[string]Conversion{
	"swemwbs_metric": SWEMWBSMetric,
}

func conversionNames() []string {
	var out []string
	for k := range Conversions {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// swemwbsMetric is the published SWEMWBS raw-to-metric conversion table,
// indexed by raw total minus 7.
var swemwbsMetric = [...]float64{
	7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36,
	16.88, 17.43, 17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21,
	24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00,
}

// SWEMWBSMetric converts a SWEMWBS raw total (7–35, seven items scored 1–5)
// to its metric score with the published table.
func SWEMWBSMetric(raw float64) (float64, bool) {
	if raw != math.Trunc(raw) || raw < 7 || raw > 35 {
		return 0, false
	}
	return swemwbsMetric[int(raw)-7], true
}
