package inbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/linkbot/linkbot/store"
)

// A person's measures over time, drawn as inline SVG: ONS4's three
// questions where higher is better on one chart, anxiety (lower is better)
// on its own with its bands the other way up, and SWEMWBS's metric score
// on a third.

// measureLine is one measure drawn on a chart.
type measureLine struct {
	key, label, colour string
}

// band is a range of answers with a name, shaded on the chart.
type band struct {
	Lo, Hi float64
	Name   string
	Shade  string
}

// Shades from bad to good: light red, amber, light green, green.
const (
	shadeBad    = "#f6dcd8"
	shadeMiddle = "#fbefd5"
	shadeGood   = "#e3f0e6"
	shadeBest   = "#cde5d3"
)

// The charts: ONS's bands for life satisfaction, worthwhile and happiness
// (higher is better), and for anxiety (lower is better); SWEMWBS's metric
// score (7–35) with the usual population ranges.
var (
	ons4Positive = chartSpec{
		title: "Wellbeing (ONS4)", min: 0, max: 10, step: 2,
		lines: []measureLine{
			{"ons4.life_satisfaction", "Life satisfaction", "#1d70b8"},
			{"ons4.worthwhile", "Worthwhile", "#00703c"},
			{"ons4.happiness", "Happiness", "#b32d17"},
		},
		bands: []band{{0, 4, "low", shadeBad}, {5, 6, "medium", shadeMiddle}, {7, 8, "high", shadeGood}, {9, 10, "very high", shadeBest}},
	}
	ons4Anxiety = chartSpec{
		title: "Anxiety (ONS4: lower is better)", min: 0, max: 10, step: 2,
		lines: []measureLine{{"ons4.anxiety", "Anxiety", "#6f3f98"}},
		bands: []band{{0, 1, "very low", shadeBest}, {2, 3, "low", shadeGood}, {4, 5, "medium", shadeMiddle}, {6, 10, "high", shadeBad}},
	}
	swemwbs = chartSpec{
		title: "SWEMWBS (metric score, 7–35)", min: 7, max: 35, step: 7, continuous: true,
		lines: []measureLine{{"swemwbs.metric", "SWEMWBS", "#1d70b8"}},
		bands: []band{{7, 18, "low", shadeBad}, {18, 21, "below average", shadeMiddle}, {21, 28, "average", shadeGood}, {28, 35, "high", shadeBest}},
	}
)

// chartSpec is what one chart draws.
type chartSpec struct {
	title          string
	min, max, step float64
	lines          []measureLine
	bands          []band
	// continuous bands meet at their bounds; otherwise they hold whole
	// answers (0–4, 5–6, …) and are drawn half a point wider each way.
	continuous bool
}

// bandOf names the band v falls in.
func (s chartSpec) bandOf(v float64) string {
	for _, b := range s.bands {
		if s.continuous && v >= b.Lo && v < b.Hi || !s.continuous && v >= b.Lo-0.5 && v <= b.Hi+0.5 {
			return b.Name
		}
	}
	if n := len(s.bands); n > 0 && v >= s.bands[n-1].Lo {
		return s.bands[n-1].Name
	}
	return ""
}

// The chart's drawing area, in SVG units: narrow, so that on a phone the
// labels are drawn at about their size in points, and wider screens
// scale it up.
const (
	chartW, chartH        = 360.0, 210.0
	chartLeft, chartRight = 28.0, 8.0
	chartTop, chartBottom = 8.0, 26.0
	plotW, plotH          = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartMinSpan          = 7 * 24 * time.Hour
)

// chart is one measure chart.
type chart struct {
	Title  string
	Empty  bool
	W, H   float64
	Lines  []chartLine
	Bands  []chartBand
	XTicks []chartTick
	YTicks []chartTick
	Left   float64
	Bottom float64
	Width  float64
}

type chartLine struct {
	Label, Colour string
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
	X, Y   float64
	Label  string
	Anchor string
}

// latestAnswer is a person's most recent answer to one question.
type latestAnswer struct {
	Label string
	Value float64
	Band  string
	At    time.Time
	Count int
}

// measureCharts draws the person's answers over time, one chart per
// spec that has answers, and lists the latest answer to each question.
func measureCharts(answers []store.Answer, loc *time.Location) ([]chart, []latestAnswer) {
	byKey := map[string][]store.Answer{}
	for _, a := range answers {
		if a.MeasureKey != nil && a.Value != nil {
			byKey[*a.MeasureKey] = append(byKey[*a.MeasureKey], a)
		}
	}
	var charts []chart
	var latest []latestAnswer
	for _, spec := range []chartSpec{ons4Positive, ons4Anxiety, swemwbs} {
		c, l := spec.draw(byKey, loc)
		if !c.Empty {
			charts = append(charts, c)
			latest = append(latest, l...)
		}
	}
	return charts, latest
}

func (s chartSpec) draw(byKey map[string][]store.Answer, loc *time.Location) (chart, []latestAnswer) {
	c := chart{Title: s.title, W: chartW, H: chartH, Left: chartLeft, Bottom: chartH - chartBottom, Width: plotW}
	var first, last time.Time
	var latest []latestAnswer
	for _, l := range s.lines {
		list := byKey[l.key]
		if len(list) == 0 {
			continue
		}
		for _, a := range list {
			if first.IsZero() || a.AnsweredAt.Before(first) {
				first = a.AnsweredAt
			}
			if a.AnsweredAt.After(last) {
				last = a.AnsweredAt
			}
		}
		a := list[len(list)-1]
		latest = append(latest, latestAnswer{Label: l.label, Value: *a.Value, Band: s.bandOf(*a.Value), At: a.AnsweredAt, Count: len(list)})
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
	y := func(v float64) float64 {
		v = min(max(v, s.min), s.max)
		return chartTop + plotH*(1-(v-s.min)/(s.max-s.min))
	}
	for _, b := range s.bands {
		lo, hi := b.Lo, b.Hi
		if !s.continuous {
			lo, hi = max(lo-0.5, s.min), min(hi+0.5, s.max)
		}
		c.Bands = append(c.Bands, chartBand{Y: y(hi), H: y(lo) - y(hi), Name: b.Name, Shade: b.Shade})
	}
	for v := s.min; v <= s.max; v += s.step {
		c.YTicks = append(c.YTicks, chartTick{X: chartLeft - 4, Y: y(v) + 4, Label: fmt.Sprint(v), Anchor: "end"})
	}
	for i, anchor := range []string{"start", "middle", "end"} {
		t := first.Add(span * time.Duration(i) / 2)
		c.XTicks = append(c.XTicks, chartTick{X: x(t), Y: chartH - 8, Label: t.In(loc).Format("2 Jan 2006"), Anchor: anchor})
	}
	for _, l := range s.lines {
		list := byKey[l.key]
		if len(list) == 0 {
			continue
		}
		line := chartLine{Label: l.label, Colour: l.colour}
		var pts []string
		for _, a := range list {
			px, py := x(a.AnsweredAt), y(*a.Value)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			line.Dots = append(line.Dots, chartDot{X: px, Y: py, Title: fmt.Sprintf("%s %g on %s", l.label, *a.Value, a.AnsweredAt.In(loc).Format("2 Jan 2006"))})
		}
		line.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, line)
	}
	return c, latest
}
