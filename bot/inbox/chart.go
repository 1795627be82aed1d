package inbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// The ONS4 questions, in the order ONS asks them.
var ons4Questions = []struct {
	key, label, colour string
	anxiety            bool
}{
	{"ons4.life_satisfaction", "Life satisfaction", "#1d70b8", false},
	{"ons4.worthwhile", "Worthwhile", "#00703c", false},
	{"ons4.happiness", "Happiness", "#d4351c", false},
	{"ons4.anxiety", "Anxiety", "#6f3f98", true},
}

// band is one of ONS's thresholds for a 0–10 answer.
type band struct {
	Lo, Hi float64
	Name   string
}

// ONS's bands: for life satisfaction, worthwhile and happiness higher is
// better; for anxiety lower is better.
var (
	positiveBands = []band{{0, 4, "low"}, {5, 6, "medium"}, {7, 8, "high"}, {9, 10, "very high"}}
	anxietyBands  = []band{{0, 1, "very low"}, {2, 3, "low"}, {4, 5, "medium"}, {6, 10, "high"}}
)

func bandOf(bands []band, v float64) string {
	for _, b := range bands {
		if v <= b.Hi+0.5 && v >= b.Lo-0.5 {
			return b.Name
		}
	}
	return ""
}

// The chart's drawing area, in SVG units.
const (
	chartW, chartH        = 640.0, 240.0
	chartLeft, chartRight = 70.0, 10.0
	chartTop, chartBottom = 10.0, 30.0
	plotW, plotH          = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartMinSpan          = 7 * 24 * time.Hour
)

// chart is an ONS4 line chart drawn as inline SVG.
type chart struct {
	Empty  bool
	W, H   float64
	Lines  []chartLine
	Bands  []chartBand
	XTicks []chartTick
	YTicks []chartTick
	Left   float64
	Bottom float64
	Right  float64
}

type chartLine struct {
	Label, Colour string
	Dashed        bool
	Points        string
	Dots          []chartDot
}

type chartDot struct {
	X, Y  float64
	Title string
}

type chartBand struct {
	Y, H  float64
	Name  string
	Shade string
}

type chartTick struct {
	X, Y  float64
	Label string
}

// latestAnswer is a person's most recent answer to one ONS4 question.
type latestAnswer struct {
	Label string
	Value float64
	Band  string
	At    time.Time
	Count int
}

// ons4Chart draws the person's ONS4 answers over time, one line per
// question, over the bands of life satisfaction, worthwhile and happiness
// (anxiety's own bands are named beside it), and lists the latest answers.
func ons4Chart(answers []store.Answer) (chart, []latestAnswer) {
	c := chart{W: chartW, H: chartH, Left: chartLeft, Bottom: chartH - chartBottom, Right: chartW - chartRight}
	byKey := map[string][]store.Answer{}
	var first, last time.Time
	for _, a := range answers {
		if a.MeasureKey == nil || a.Value == nil || !strings.HasPrefix(*a.MeasureKey, "ons4.") {
			continue
		}
		byKey[*a.MeasureKey] = append(byKey[*a.MeasureKey], a)
		if first.IsZero() || a.AnsweredAt.Before(first) {
			first = a.AnsweredAt
		}
		if a.AnsweredAt.After(last) {
			last = a.AnsweredAt
		}
	}
	var latest []latestAnswer
	for _, q := range ons4Questions {
		list := byKey[q.key]
		if len(list) == 0 {
			continue
		}
		a := list[len(list)-1]
		bands := positiveBands
		if q.anxiety {
			bands = anxietyBands
		}
		latest = append(latest, latestAnswer{Label: q.label, Value: *a.Value, Band: bandOf(bands, *a.Value), At: a.AnsweredAt, Count: len(list)})
	}
	if len(latest) == 0 {
		c.Empty = true
		return c, nil
	}
	span := last.Sub(first)
	if span < chartMinSpan {
		first = first.Add(-(chartMinSpan - span) / 2)
		span = chartMinSpan
	}
	x := func(t time.Time) float64 { return chartLeft + plotW*float64(t.Sub(first))/float64(span) }
	y := func(v float64) float64 { return chartTop + plotH*(1-v/10) }
	shades := []string{"#f3d9d6", "#fbefd5", "#e0efe3", "#cfe6d5"}
	for i, b := range positiveBands {
		lo, hi := max(b.Lo-0.5, 0), min(b.Hi+0.5, 10)
		c.Bands = append(c.Bands, chartBand{Y: y(hi), H: y(lo) - y(hi), Name: b.Name, Shade: shades[i]})
	}
	for v := 0.0; v <= 10; v += 2 {
		c.YTicks = append(c.YTicks, chartTick{X: chartLeft - 6, Y: y(v) + 4, Label: fmt.Sprint(v)})
	}
	for i := 0; i <= 4; i++ {
		t := first.Add(span * time.Duration(i) / 4)
		c.XTicks = append(c.XTicks, chartTick{X: x(t), Y: chartH - 10, Label: t.Format("2 Jan 06")})
	}
	for _, q := range ons4Questions {
		list := byKey[q.key]
		if len(list) == 0 {
			continue
		}
		line := chartLine{Label: q.label, Colour: q.colour, Dashed: q.anxiety}
		var pts []string
		for _, a := range list {
			px, py := x(a.AnsweredAt), y(*a.Value)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			line.Dots = append(line.Dots, chartDot{X: px, Y: py, Title: fmt.Sprintf("%s %g on %s", q.label, *a.Value, a.AnsweredAt.Format("2 Jan 2006"))})
		}
		line.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, line)
	}
	return c, latest
}
