package dialogues

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Parse reads one dialogue file and validates it. It returns every problem
// found, errors and warnings, in file order. The dialogue is nil when there
// is any error; a non-nil dialogue is safe to run.
func Parse(file string, src []byte) (*Dialogue, Diagnostics) {
	p := &parser{file: file, src: src}
	d := p.parse()
	sort.SliceStable(p.diags, func(i, j int) bool {
		a, b := p.diags[i].Pos, p.diags[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return d, p.diags
}

// parser walks the YAML node tree, collecting diagnostics as it goes.
type parser struct {
	file  string
	src   []byte
	diags Diagnostics
	langs []string
}

func (p *parser) errorf(pos Pos, hint, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{File: p.file, Pos: pos, Severity: SeverityError,
		Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (p *parser) warnf(pos Pos, hint, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{File: p.file, Pos: pos, Severity: SeverityWarning,
		Message: fmt.Sprintf(format, args...), Hint: hint})
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) parse() *Dialogue {
	var doc yaml.Node
	if err := yaml.Unmarshal(p.src, &doc); err != nil {
		pos, msg := Pos{Line: 1, Col: 1}, err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		p.errorf(pos, "check the indentation and quoting on this line or the one before", "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.errorf(Pos{1, 1}, "start with key:, name:, kind:, languages: and steps:", "the file is empty")
		return nil
	}
	root := doc.Content[0]
	fields, ok := p.mapping(root, "a dialogue", "key", "name", "kind", "version", "languages", "licence", "schedule", "reply", "steps")
	if !ok {
		return nil
	}
	d := &Dialogue{Version: 1, byID: map[string]int{}}
	d.Key = p.requiredString(root, fields, "key", keyPattern, "a short key of lower-case letters, digits, '_', '.' or '-', e.g. ons4")
	if n := fields["key"]; n != nil {
		d.KeyPos = posOf(n)
	}
	d.Name = p.requiredString(root, fields, "name", nil, "a name schemes will recognise")
	if n := fields["kind"]; n == nil {
		p.errorf(posOf(root), "one of reminder, checkin, suggestion, followup, welcome, custom", "missing kind")
	} else if s, ok := p.scalar(n, "kind"); ok {
		d.Kind = Kind(s)
		if !slices.Contains([]Kind{KindReminder, KindCheckin, KindSuggestion, KindFollowup, KindWelcome, KindCustom}, d.Kind) {
			p.errorf(posOf(n), "one of reminder, checkin, suggestion, followup, welcome, custom", "unknown kind %q", s)
		}
	}
	if n := fields["version"]; n != nil {
		if v, ok := p.integer(n, "version"); ok {
			if v < 1 {
				p.errorf(posOf(n), "versions count from 1", "version must be at least 1")
			}
			d.Version = v
		}
	}
	d.Languages = p.languages(root, fields["languages"])
	p.langs = d.Languages
	if n := fields["licence"]; n != nil {
		d.Licence, _ = p.scalar(n, "licence")
	}
	if n := fields["schedule"]; n != nil {
		d.Schedule = p.schedule(n)
	}
	p.checkSchedule(root, d)
	d.Reply = Reply{Wait: 48 * time.Hour, OnExpiry: ExpireQuietly, Urgency: UrgencyRoutine}
	if n := fields["reply"]; n != nil {
		p.reply(n, &d.Reply)
	}
	if n := fields["steps"]; n == nil {
		p.errorf(posOf(root), "add steps: with at least one say or ask", "missing steps")
	} else {
		d.Steps = p.steps(n)
	}
	p.link(d)
	p.checkGraph(d)
	p.checkMessages(d)
	return d
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.\-]*$`)
var langPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// mapping checks n is a mapping with only the allowed keys, no duplicates
// and no aliases, and returns its values by key.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		p.errorf(posOf(n), "write it as key: value lines", "%s must be a mapping, not %s", what, describe(n))
		return nil, false
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode || k.Kind != yaml.ScalarNode {
			p.errorf(posOf(k), "write the value out in full", "anchors, aliases and complex keys are not supported")
			continue
		}
		if _, dup := fields[k.Value]; dup {
			p.errorf(posOf(k), "remove one of them", "duplicate key %q", k.Value)
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			p.errorf(posOf(k), suggest(k.Value, allowed), "unknown field %q in %s", k.Value, what)
			continue
		}
		fields[k.Value] = v
	}
	return fields, true
}

// suggest returns a hint naming the closest allowed word, or listing them.
func suggest(got string, allowed []string) string {
	best, bestD := "", 3
	for _, a := range allowed {
		if d := distance(strings.ToLower(got), a); d < bestD {
			best, bestD = a, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "allowed here: " + strings.Join(allowed, ", ")
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func (p *parser) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(posOf(n), "write a single value", "%s must be a single value, not %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) integer(n *yaml.Node, what string) (int, bool) {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		p.errorf(posOf(n), "write a whole number, e.g. 2", "%s must be a whole number, not %q", what, s)
		return 0, false
	}
	return v, true
}

func (p *parser) boolean(n *yaml.Node, what string) bool {
	s, ok := p.scalar(n, what)
	if !ok {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	p.errorf(posOf(n), "write true or false", "%s must be true or false, not %q", what, s)
	return false
}

func (p *parser) requiredString(parent *yaml.Node, fields map[string]*yaml.Node, name string, pattern *regexp.Regexp, hint string) string {
	n := fields[name]
	if n == nil {
		p.errorf(posOf(parent), hint, "missing %s", name)
		return ""
	}
	s, ok := p.scalar(n, name)
	if ok && pattern != nil && !pattern.MatchString(s) {
		p.errorf(posOf(n), hint, "%s %q is not valid", name, s)
	}
	return s
}

func (p *parser) list(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(posOf(n), "write a list, e.g. [a, b] or lines starting with -", "%s must be a list, not %s", what, describe(n))
		return nil, false
	}
	return n.Content, true
}

func (p *parser) languages(root, n *yaml.Node) []string {
	if n == nil {
		p.errorf(posOf(root), "e.g. languages: [en-GB]", "missing languages")
		return []string{"en-GB"}
	}
	items, ok := p.list(n, "languages")
	if !ok {
		return []string{"en-GB"}
	}
	var langs []string
	for _, it := range items {
		s, ok := p.scalar(it, "a language")
		if !ok {
			continue
		}
		if !langPattern.MatchString(s) {
			p.errorf(posOf(it), "use a language tag such as en-GB or cy", "%q is not a language tag", s)
			continue
		}
		if slices.Contains(langs, s) {
			p.errorf(posOf(it), "list each language once", "duplicate language %q", s)
			continue
		}
		langs = append(langs, s)
	}
	if len(langs) == 0 {
		p.errorf(posOf(n), "e.g. languages: [en-GB]", "languages must name at least one language")
		return []string{"en-GB"}
	}
	return langs
}

var durationPart = regexp.MustCompile(`^(\d+)\s*(w|d|h|m)`)

// ParseDuration reads a duration such as "3d", "2h", "1w", "90m" or
// "3d 2h" (weeks, days, hours, minutes).
func ParseDuration(s string) (time.Duration, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, fmt.Errorf("empty duration")
	}
	var total time.Duration
	for rest != "" {
		m := durationPart.FindStringSubmatch(rest)
		if m == nil {
			return 0, fmt.Errorf("cannot read duration %q", s)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 10000 {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}[m[2]]
		total += time.Duration(n) * unit
		if total > 366*24*time.Hour {
			return 0, fmt.Errorf("duration %q is longer than a year", s)
		}
		rest = strings.TrimSpace(rest[len(m[0]):])
	}
	return total, nil
}

const durationHint = "write a duration such as 3d, 2h, 1w, 90m or 3d 2h"

func (p *parser) duration(n *yaml.Node, what string) (time.Duration, bool) {
	s, ok := p.scalar(n, what)
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(posOf(n), durationHint, "%s: %v", what, err)
		return 0, false
	}
	if d <= 0 {
		p.errorf(posOf(n), durationHint, "%s must be longer than zero", what)
		return 0, false
	}
	return d, true
}

func (p *parser) schedule(n *yaml.Node) Schedule {
	var s Schedule
	fields, ok := p.mapping(n, "schedule", "before_contact", "every", "at_start", "at_end", "after")
	if !ok {
		return s
	}
	if b := fields["before_contact"]; b != nil {
		if items, ok := p.list(b, "before_contact"); ok {
			for _, it := range items {
				if d, ok := p.duration(it, "before_contact"); ok {
					s.BeforeContact = append(s.BeforeContact, d)
				}
			}
		}
	}
	if e := fields["every"]; e != nil {
		s.Every = p.recurrence(e)
	}
	if v := fields["at_start"]; v != nil {
		s.AtStart = p.boolean(v, "at_start")
	}
	if v := fields["at_end"]; v != nil {
		s.AtEnd = p.boolean(v, "at_end")
	}
	if a := fields["after"]; a != nil {
		s.After = p.after(a)
	}
	return s
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

var clockTime = regexp.MustCompile(`^([01]?\d|2[0-3]):([0-5]\d)$`)

func (p *parser) recurrence(n *yaml.Node) *Recurrence {
	fields, ok := p.mapping(n, "every", "weeks", "on", "at")
	if !ok {
		return nil
	}
	r := &Recurrence{Weeks: 1}
	if w := fields["weeks"]; w != nil {
		if v, ok := p.integer(w, "weeks"); ok {
			if v < 1 || v > 52 {
				p.errorf(posOf(w), "between 1 and 52", "weeks must be between 1 and 52")
			}
			r.Weeks = v
		}
	}
	if on := fields["on"]; on == nil {
		p.errorf(posOf(n), "e.g. on: monday", "every needs on: a weekday")
	} else if s, ok := p.scalar(on, "on"); ok {
		wd, known := weekdays[strings.ToLower(s)]
		if !known {
			p.errorf(posOf(on), "a weekday such as monday", "%q is not a weekday", s)
		}
		r.Weekday = wd
	}
	if at := fields["at"]; at == nil {
		p.errorf(posOf(n), `e.g. at: "10:00"`, "every needs at: a time of day")
	} else if s, ok := p.scalar(at, "at"); ok {
		m := clockTime.FindStringSubmatch(s)
		if m == nil {
			p.errorf(posOf(at), `a 24-hour time in quotes, e.g. at: "10:00"`, "%q is not a time of day", s)
		} else {
			r.Hour, _ = strconv.Atoi(m[1])
			r.Minute, _ = strconv.Atoi(m[2])
		}
	}
	return r
}

func (p *parser) after(n *yaml.Node) *AfterEvent {
	fields, ok := p.mapping(n, "after", "event", "delay")
	if !ok {
		return nil
	}
	a := &AfterEvent{}
	if e := fields["event"]; e == nil {
		p.errorf(posOf(n), "one of "+strings.Join(Events, ", "), "after needs event:")
	} else if s, ok := p.scalar(e, "event"); ok {
		if !slices.Contains(Events, s) {
			p.errorf(posOf(e), suggest(s, Events), "unknown event %q", s)
		}
		a.Event = s
	}
	if d := fields["delay"]; d == nil {
		p.errorf(posOf(n), durationHint, "after needs delay:")
	} else if v, ok := p.duration(d, "delay"); ok {
		a.Delay = v
	}
	return a
}

func (p *parser) checkSchedule(root *yaml.Node, d *Dialogue) {
	s := d.Schedule
	switch d.Kind {
	case KindReminder:
		if len(s.BeforeContact) == 0 {
			p.errorf(posOf(root), "e.g. schedule: {before_contact: [3d, 2h]}", "a reminder needs schedule.before_contact")
		}
	case KindCheckin:
		if s.Every == nil && !s.AtStart && !s.AtEnd {
			p.errorf(posOf(root), `e.g. schedule: {every: {weeks: 2, on: monday, at: "10:00"}}`, "a check-in needs schedule.every, at_start or at_end")
		}
	case KindSuggestion, KindFollowup:
		if s.After == nil {
			p.errorf(posOf(root), "e.g. schedule: {after: {event: suggestion_accepted, delay: 7d}}", "a %s needs schedule.after", d.Kind)
		}
	}
}

func (p *parser) reply(n *yaml.Node, r *Reply) {
	fields, ok := p.mapping(n, "reply", "wait", "reminders", "reminder", "on_expiry", "urgency")
	if !ok {
		return
	}
	if w := fields["wait"]; w != nil {
		if v, ok := p.duration(w, "wait"); ok {
			r.Wait = v
		}
	}
	if m := fields["reminders"]; m != nil {
		if v, ok := p.integer(m, "reminders"); ok {
			if v < 0 || v > 3 {
				p.errorf(posOf(m), "gentle means 0 to 3", "reminders must be between 0 and 3")
			}
			r.Reminders = v
		}
	}
	if m := fields["reminder"]; m != nil {
		r.Reminder = p.message(m, nil, "reminder")
	}
	if e := fields["on_expiry"]; e != nil {
		if s, ok := p.scalar(e, "on_expiry"); ok {
			r.OnExpiry = Expiry(s)
			if r.OnExpiry != ExpireQuietly && r.OnExpiry != ExpireEscalate {
				p.errorf(posOf(e), "nothing, or escalate (raises no_response)", "unknown on_expiry %q", s)
			}
		}
	}
	if u := fields["urgency"]; u != nil {
		r.Urgency = p.urgency(u)
	}
}

func (p *parser) urgency(n *yaml.Node) Urgency {
	s, ok := p.scalar(n, "urgency")
	if !ok {
		return UrgencyRoutine
	}
	u := Urgency(s)
	if !slices.Contains(Urgencies, u) {
		p.errorf(posOf(n), "one of routine, soon, urgent", "unknown urgency %q", s)
	}
	return u
}

// message reads a text: a string in the first language, or a mapping of
// language tag to text. discreet, when not nil, is its discreet variant.
func (p *parser) message(n, discreet *yaml.Node, what string) *Message {
	m := &Message{Pos: posOf(n), Text: p.texts(n, what)}
	if len(p.langs) > 0 {
		m.defaultLang = p.langs[0]
	}
	if discreet != nil {
		m.Discreet = p.texts(discreet, "discreet")
		m.discreetPos = posOf(discreet)
	}
	return m
}

func (p *parser) texts(n *yaml.Node, what string) map[string]string {
	out := map[string]string{}
	first := "en-GB"
	if len(p.langs) > 0 {
		first = p.langs[0]
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag != "!!null":
		if len(p.langs) > 1 {
			p.errorf(posOf(n), "write one text per language, e.g. {en-GB: ..., cy: ...}", "%s needs a text for each of %s", what, strings.Join(p.langs, ", "))
		}
		out[first] = n.Value
		if strings.TrimSpace(n.Value) == "" {
			p.errorf(posOf(n), "write the text, or remove the field", "%s is empty", what)
		}
	case n.Kind == yaml.MappingNode:
		fields, ok := p.mapping(n, what, p.langs...)
		if !ok {
			return out
		}
		for _, l := range p.langs {
			v := fields[l]
			if v == nil {
				p.errorf(posOf(n), "add a text for every language the dialogue lists", "%s has no %s text", what, l)
				continue
			}
			if s, ok := p.scalar(v, what); ok {
				out[l] = s
			}
		}
	default:
		p.errorf(posOf(n), "write the text in quotes", "%s must be a text, not %s", what, describe(n))
	}
	return out
}

var stepKinds = []string{"say", "ask", "record", "escalate", "end"}

var stepFields = map[StepKind][]string{
	StepSay:      {"id", "say", "discreet", "next"},
	StepAsk:      {"id", "ask", "discreet", "expect", "hint", "record", "branches", "else"},
	StepRecord:   {"id", "record", "value", "total", "convert", "next"},
	StepEscalate: {"id", "escalate", "urgency", "next"},
	StepEnd:      {"id", "end", "discreet"},
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_\-]*$`)

func (p *parser) steps(n *yaml.Node) []*Step {
	items, ok := p.list(n, "steps")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		p.errorf(posOf(n), "add at least one say or ask", "steps is empty")
	}
	var steps []*Step
	for i, it := range items {
		steps = append(steps, p.step(it, i))
	}
	return steps
}

func (p *parser) step(n *yaml.Node, i int) *Step {
	s := &Step{ID: fmt.Sprintf("step-%d", i+1), Pos: posOf(n), index: i}
	if n.Kind == yaml.ScalarNode && n.Value == "end" {
		s.Kind = StepEnd
		return s
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(posOf(n), "a step starts with say:, ask:, record:, escalate: or end:", "a step must be a mapping, not %s", describe(n))
		return s
	}
	var kinds []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(stepKinds, n.Content[i].Value) {
			kinds = append(kinds, n.Content[i].Value)
		}
	}
	if slices.Contains(kinds, "ask") { // an ask may record its answer
		kinds = slices.DeleteFunc(kinds, func(k string) bool { return k == "record" })
	}
	if len(kinds) != 1 {
		hint := "give each step exactly one of say:, ask:, record:, escalate:, end:"
		if len(kinds) == 0 {
			p.errorf(posOf(n), hint, "step %d does not say what it does", i+1)
		} else {
			p.errorf(posOf(n), hint+"; split it into several steps", "step %d has %s", i+1, strings.Join(kinds, " and "))
		}
		return s
	}
	s.Kind = StepKind(kinds[0])
	f, _ := p.mapping(n, string(s.Kind)+" step", stepFields[s.Kind]...)
	if id := f["id"]; id != nil {
		if v, ok := p.scalar(id, "id"); ok {
			if !idPattern.MatchString(v) || v == EndID {
				p.errorf(posOf(id), "letters, digits, '_' and '-'; not \"end\"", "step id %q is not valid", v)
			}
			s.ID = v
		}
	}
	if nx := f["next"]; nx != nil {
		s.Next, _ = p.scalar(nx, "next")
		s.nextPos = posOf(nx)
	}
	switch s.Kind {
	case StepSay:
		s.Text = p.message(f["say"], f["discreet"], "say")
	case StepAsk:
		s.Text = p.message(f["ask"], f["discreet"], "ask")
		if h := f["hint"]; h != nil {
			s.Hint = p.message(h, nil, "hint")
		}
		if e := f["expect"]; e == nil {
			p.errorf(posOf(n), "e.g. expect: yes_no, or expect: {scale: [0, 10]}", "ask needs expect:")
		} else {
			s.Expect = p.expect(e)
		}
		if r := f["record"]; r != nil {
			s.Measure = p.measure(r)
		}
		if b := f["branches"]; b != nil {
			s.Branches = p.branches(b, s.Expect)
		}
		if e := f["else"]; e != nil {
			s.Else, _ = p.scalar(e, "else")
			s.elsePos = posOf(e)
		}
	case StepRecord:
		s.Measure = p.measure(f["record"])
		if v := f["value"]; v != nil {
			s.Value = p.fixedValue(v)
		}
		if t := f["total"]; t != nil {
			if items, ok := p.list(t, "total"); ok {
				for _, it := range items {
					s.Total = append(s.Total, p.measure(it))
				}
			}
		}
		if c := f["convert"]; c != nil {
			if v, ok := p.scalar(c, "convert"); ok {
				if _, known := Conversions[v]; !known {
					p.errorf(posOf(c), "one of "+strings.Join(conversionNames(), ", "), "unknown conversion %q", v)
				}
				if s.Total == nil {
					p.errorf(posOf(c), "list the measures to add up in total:", "convert needs total:")
				}
				s.Convert = v
			}
		}
		if s.Value != nil && s.Total != nil {
			p.errorf(posOf(n), "record either a fixed value or a total", "a record step cannot have both value: and total:")
		}
	case StepEscalate:
		if v, ok := p.scalar(f["escalate"], "escalate"); ok {
			s.Reason = Reason(v)
			if !slices.Contains(Reasons, s.Reason) {
				p.errorf(posOf(f["escalate"]), suggest(v, reasonNames()), "unknown escalation reason %q", v)
			}
		}
		s.Urgency = UrgencyRoutine
		if u := f["urgency"]; u != nil {
			s.Urgency = p.urgency(u)
		}
	case StepEnd:
		e := f["end"]
		if e.Kind == yaml.ScalarNode && (e.Tag == "!!bool" || e.Tag == "!!null") {
			if f["discreet"] != nil {
				p.errorf(posOf(f["discreet"]), "give end: a text first", "discreet needs a closing text in end:")
			}
		} else {
			s.Text = p.message(e, f["discreet"], "end")
		}
	}
	return s
}

func reasonNames() []string {
	var out []string
	for _, r := range Reasons {
		out = append(out, string(r))
	}
	return out
}

var measurePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*(\.[a-z0-9_]+)*$`)

func (p *parser) measure(n *yaml.Node) string {
	s, ok := p.scalar(n, "measure")
	if ok && !measurePattern.MatchString(s) {
		p.errorf(posOf(n), "lower-case words joined by '.' or '_', e.g. ons4.anxiety", "measure key %q is not valid", s)
	}
	return s
}

func (p *parser) fixedValue(n *yaml.Node) *Value {
	s, ok := p.scalar(n, "value")
	if !ok {
		return nil
	}
	switch n.Tag {
	case "!!bool":
		return &Value{Kind: AnswerYesNo, Yes: s == "true"}
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return &Value{Kind: AnswerNumber, Number: f}
		}
	}
	switch strings.ToLower(s) {
	case "yes":
		return &Value{Kind: AnswerYesNo, Yes: true}
	case "no":
		return &Value{Kind: AnswerYesNo, Yes: false}
	}
	return &Value{Kind: AnswerText, Text: s}
}

func (p *parser) expect(n *yaml.Node) *Expect {
	e := &Expect{Pos: posOf(n)}
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "yes_no", "text", "number":
			e.Kind = AnswerKind(n.Value)
		case "scale", "choice":
			p.errorf(posOf(n), "e.g. expect: {scale: [0, 10]} or expect: {choice: [...]}", "%s needs its bounds or options", n.Value)
		default:
			p.errorf(posOf(n), suggest(n.Value, []string{"yes_no", "text", "number", "scale", "choice"}), "unknown answer kind %q", n.Value)
		}
		return e
	}
	f, ok := p.mapping(n, "expect", "scale", "anchors", "number", "choice")
	if !ok {
		return e
	}
	var kinds []string
	for _, k := range []string{"scale", "number", "choice"} {
		if f[k] != nil {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		p.errorf(posOf(n), "give one of scale:, number:, choice:", "expect must have exactly one kind of answer")
		return e
	}
	e.Kind = AnswerKind(kinds[0])
	switch e.Kind {
	case AnswerScale:
		lo, hi, ok := p.bounds(f["scale"], "scale")
		if ok {
			if lo != math.Trunc(lo) || hi != math.Trunc(hi) {
				p.errorf(posOf(f["scale"]), "use whole numbers, e.g. [0, 10]", "scale bounds must be whole numbers")
			} else if lo >= hi {
				p.errorf(posOf(f["scale"]), fmt.Sprintf("write it low first: [%v, %v]", hi, lo), "scale bounds are reversed or equal: %v is not below %v", lo, hi)
			} else if hi-lo > 100 || math.Abs(lo) > 1000 || math.Abs(hi) > 1000 {
				p.errorf(posOf(f["scale"]), "a scale has at most 101 points", "scale is too wide")
			}
			e.Min, e.Max = int(lo), int(hi)
		}
		if a := f["anchors"]; a != nil {
			e.Anchors = p.anchors(a, e)
		}
	case AnswerNumber:
		if f["anchors"] != nil {
			p.errorf(posOf(f["anchors"]), "anchors belong to a scale", "anchors need scale:")
		}
		if lo, hi, ok := p.bounds(f["number"], "number"); ok {
			if lo > hi {
				p.errorf(posOf(f["number"]), fmt.Sprintf("write it low first: [%v, %v]", hi, lo), "number bounds are reversed")
			}
			e.NumberMin, e.NumberMax = &lo, &hi
		}
	case AnswerChoice:
		if f["anchors"] != nil {
			p.errorf(posOf(f["anchors"]), "anchors belong to a scale", "anchors need scale:")
		}
		e.Options = p.options(f["choice"])
	}
	return e
}

func (p *parser) bounds(n *yaml.Node, what string) (lo, hi float64, ok bool) {
	items, ok := p.list(n, what)
	if !ok {
		return 0, 0, false
	}
	if len(items) != 2 {
		p.errorf(posOf(n), "write [low, high], e.g. [0, 10]", "%s needs two bounds", what)
		return 0, 0, false
	}
	var vals [2]float64
	for i, it := range items {
		v, err := strconv.ParseFloat(it.Value, 64)
		if it.Kind != yaml.ScalarNode || (it.Tag != "!!int" && it.Tag != "!!float") || err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			p.errorf(posOf(it), "write a number", "%s bound must be a number, not %s", what, describe(it))
			return 0, 0, false
		}
		vals[i] = v
	}
	return vals[0], vals[1], true
}

func (p *parser) anchors(n *yaml.Node, e *Expect) map[int]string {
	if n.Kind != yaml.MappingNode {
		p.errorf(posOf(n), `e.g. anchors: {0: "not at all", 10: "completely"}`, "anchors must be a mapping, not %s", describe(n))
		return nil
	}
	out := map[int]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		pt, err := strconv.Atoi(k.Value)
		if err != nil || k.Tag != "!!int" {
			p.errorf(posOf(k), "anchors are keyed by points of the scale", "anchor %q is not a whole number", k.Value)
			continue
		}
		if pt < e.Min || pt > e.Max {
			p.errorf(posOf(k), fmt.Sprintf("the scale runs %d to %d", e.Min, e.Max), "anchor %d is outside the scale", pt)
			continue
		}
		if _, dup := out[pt]; dup {
			p.errorf(posOf(k), "remove one of them", "duplicate key %d", pt)
			continue
		}
		if s, ok := p.scalar(v, "anchor"); ok {
			out[pt] = s
		}
	}
	return out
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,10}$`)

func (p *parser) options(n *yaml.Node) []Option {
	items, ok := p.list(n, "choice")
	if !ok {
		return nil
	}
	if len(items) < 2 {
		p.errorf(posOf(n), "a choice offers at least two options", "choice needs at least two options")
	}
	var opts []Option
	seen := map[string]Pos{}
	for _, it := range items {
		f, ok := p.mapping(it, "an option", "code", "words")
		if !ok {
			continue
		}
		var o Option
		if c := f["code"]; c == nil {
			p.errorf(posOf(it), "e.g. code: C", "option needs code:")
		} else if s, ok := p.scalar(c, "code"); ok {
			if !codePattern.MatchString(s) {
				p.errorf(posOf(c), "a short code of letters or digits, e.g. C", "option code %q is not valid", s)
			}
			o.Code = s
			if _, dup := seen[strings.ToLower(s)]; dup {
				p.errorf(posOf(c), "give each option its own code", "duplicate option code %q", s)
			}
			seen[strings.ToLower(s)] = posOf(c)
		}
		if w := f["words"]; w != nil {
			if ws, ok := p.list(w, "words"); ok {
				for _, wn := range ws {
					if s, ok := p.scalar(wn, "a word"); ok {
						o.Words = append(o.Words, s)
					}
				}
			}
		}
		opts = append(opts, o)
	}
	// A word that selects two options would make the parser guess.
	owner := map[string]string{}
	for _, o := range opts {
		for _, w := range append([]string{o.Code}, o.Words...) {
			k := normalise(w)
			if prev, dup := owner[k]; dup && prev != o.Code {
				p.errorf(posOf(n), "give each word to one option only", "%q selects both %s and %s", w, prev, o.Code)
			}
			owner[k] = o.Code
		}
	}
	return opts
}

var comparison = regexp.MustCompile(`^(<=|>=|<|>|=)?\s*(-?\d+(?:\.\d+)?)$`)
var rangeExpr = regexp.MustCompile(`^(-?\d+(?:\.\d+)?)\s*(?:-|\.\.|to)\s*(-?\d+(?:\.\d+)?)$`)

func (p *parser) branches(n *yaml.Node, e *Expect) []Branch {
	items, ok := p.list(n, "branches")
	if !ok {
		return nil
	}
	var out []Branch
	for _, it := range items {
		f, ok := p.mapping(it, "a branch", "when", "goto")
		if !ok {
			continue
		}
		b := Branch{Pos: posOf(it)}
		if g := f["goto"]; g == nil {
			p.errorf(posOf(it), "name the step to go to, or end", "branch needs goto:")
		} else {
			b.Goto, _ = p.scalar(g, "goto")
			b.Pos = posOf(g)
		}
		w := f["when"]
		if w == nil {
			p.errorf(posOf(it), `e.g. when: yes, when: C, when: "0-4" or when: ">= 6"`, "branch needs when:")
			continue
		}
		if e == nil || e.Kind == "" {
			out = append(out, b) // keep the goto for the checks of steps
			continue
		}
		s, ok := p.scalar(w, "when")
		if !ok {
			continue
		}
		b.When, ok = p.match(w, s, e)
		if ok {
			out = append(out, b)
		}
	}
	return out
}

func (p *parser) match(n *yaml.Node, s string, e *Expect) (Match, bool) {
	s = strings.TrimSpace(s)
	switch e.Kind {
	case AnswerYesNo:
		switch strings.ToLower(s) {
		case "yes", "true":
			y := true
			return Match{Yes: &y}, true
		case "no", "false":
			y := false
			return Match{Yes: &y}, true
		}
		p.errorf(posOf(n), "a yes/no question branches on yes or no", "%q is not yes or no", s)
	case AnswerChoice:
		for _, o := range e.Options {
			if strings.EqualFold(o.Code, s) {
				return Match{Choice: o.Code}, true
			}
		}
		p.errorf(posOf(n), "branch on one of the option codes", "%q is not an option code", s)
	case AnswerScale, AnswerNumber:
		if m := rangeExpr.FindStringSubmatch(s); m != nil {
			lo, _ := strconv.ParseFloat(m[1], 64)
			hi, _ := strconv.ParseFloat(m[2], 64)
			if lo > hi {
				p.errorf(posOf(n), fmt.Sprintf("write it low first: %v-%v", hi, lo), "range %q is reversed", s)
				return Match{}, false
			}
			return Match{Range: true, Min: lo, Max: hi}, true
		}
		if m := comparison.FindStringSubmatch(s); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			lo, hi := math.Inf(-1), math.Inf(1)
			step := 1.0 // a scale holds whole numbers
			switch m[1] {
			case "<=":
				hi = v
			case ">=":
				lo = v
			case "<":
				hi = v - step
				if e.Kind == AnswerNumber {
					hi = math.Nextafter(v, math.Inf(-1))
				}
			case ">":
				lo = v + step
				if e.Kind == AnswerNumber {
					lo = math.Nextafter(v, math.Inf(1))
				}
			default:
				lo, hi = v, v
			}
			return Match{Range: true, Min: lo, Max: hi}, true
		}
		p.errorf(posOf(n), `a number, a range such as "0-4", or a comparison such as ">= 6"`, "cannot read %q as a number or range", s)
	case AnswerText:
		p.errorf(posOf(n), "free text cannot be branched on; use else: or next step", "a text answer has no branches")
	}
	return Match{}, false
}

// link checks step IDs and the targets of next, goto and else.
func (p *parser) link(d *Dialogue) {
	for i, s := range d.Steps {
		if _, dup := d.byID[s.ID]; dup {
			p.errorf(s.Pos, "give each step its own id", "duplicate step id %q", s.ID)
			continue
		}
		d.byID[s.ID] = i
	}
	ids := make([]string, 0, len(d.Steps))
	for _, s := range d.Steps {
		ids = append(ids, s.ID)
	}
	check := func(target string, pos Pos) {
		if target == "" || target == EndID {
			return
		}
		if _, ok := d.byID[target]; !ok {
			hint := suggest(target, append(ids, EndID))
			if strings.HasPrefix(hint, "allowed") {
				hint = "the steps are " + strings.Join(append(ids, EndID), ", ")
			}
			p.errorf(pos, hint, "step %q does not exist", target)
		}
	}
	for _, s := range d.Steps {
		check(s.Next, s.nextPos)
		check(s.Else, s.elsePos)
		for _, b := range s.Branches {
			check(b.Goto, b.Pos)
		}
	}
}
