package outcomes

import (
	"encoding/json"
	"math"
	"strconv"
)

// SmallNumber is the smallest count a scheme-level figure shows: counts
// from 1 to SmallNumber-1 are shown as "<5" (NHS England's usual
// small-number suppression for published aggregates), 0 as 0.
const SmallNumber = 5

// Count is a number of people or events in a scheme-level aggregate. In Go
// it is the exact count (compare reports with it); shown or marshalled it
// is suppressed: 1 to 4 become "<5".
type Count int

// Small reports whether c is suppressed when shown.
func (c Count) Small() bool { return c > 0 && c < SmallNumber }

// String is c as a report shows it: "<5" for 1 to 4.
func (c Count) String() string {
	if c.Small() {
		return "<" + strconv.Itoa(SmallNumber)
	}
	return strconv.Itoa(int(c))
}

// MarshalJSON writes c as a number, or the string "<5" when suppressed.
func (c Count) MarshalJSON() ([]byte, error) {
	if c.Small() {
		return json.Marshal(c.String())
	}
	return []byte(strconv.Itoa(int(c))), nil
}

// Percent is c as a share of of, rounded to a whole percent, "" when of is
// 0 or either count is suppressed (a share would give the small number
// away).
func Percent(c, of Count) string {
	if of == 0 || c.Small() || of.Small() {
		return ""
	}
	return strconv.Itoa(int(math.Round(100*float64(c)/float64(of)))) + "%"
}

// pairedCI is the mean of n paired differences, given their sum and sum of
// squares, and its 95% confidence interval by the paired t method: mean ±
// t(0.975, n−1) × s / √n, s the sample standard deviation of the
// differences (n−1 in the denominator). Warwick Medical School advise
// parametric analysis with Student's t-test for (S)WEMWBS, whose scores
// approximate a normal distribution; the same is used for ONS4 items.
// ok is false for fewer than two pairs.
func pairedCI(n int, sum, sumSquares float64) (mean, lo, hi float64, ok bool) {
	if n < 2 {
		return 0, 0, 0, false
	}
	fn := float64(n)
	mean = sum / fn
	variance := (sumSquares - sum*sum/fn) / (fn - 1)
	if variance < 0 { // rounding when every difference is the same
		variance = 0
	}
	half := tQuantile975(n-1) * math.Sqrt(variance) / math.Sqrt(fn)
	return mean, mean - half, mean + half, true
}

// t975 are the 0.975 quantiles of Student's t distribution for 1 to 30
// degrees of freedom (standard tables, six decimals).
var t975 = [...]float64{
	12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
	2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
	2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
}

// tQuantile975 is the 0.975 quantile of Student's t with df degrees of
// freedom: from the table up to 30, beyond it the Cornish–Fisher expansion
// about the normal quantile 1.959964 (Abramowitz and Stegun 26.7.5), whose
// error there is under 1e-5 and shrinks as df grows.
func tQuantile975(df int) float64 {
	if df < 1 {
		return math.NaN()
	}
	if df <= len(t975) {
		return t975[df-1]
	}
	const z = 1.959963985
	v := float64(df)
	z3, z5, z7 := z*z*z, math.Pow(z, 5), math.Pow(z, 7)
	return z + (z3+z)/(4*v) + (5*z5+16*z3+3*z)/(96*v*v) + (3*z7+19*z5+17*z3-15*z)/(384*v*v*v)
}
