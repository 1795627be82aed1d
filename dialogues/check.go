package dialogues

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// successors returns where a run can go from s: step IDs or EndID.
func (d *Dialogue) successors(s *Step) []string {
	or := func(target string) string {
		if target == "" {
			return d.following(s)
		}
		return target
	}
	switch s.Kind {
	case StepEnd:
		return nil
	case StepAsk:
		out := []string{or(s.Else)}
		for _, b := range s.Branches {
			out = append(out, b.Goto)
		}
		return out
	}
	return []string{or(s.Next)}
}

// checkGraph finds unreachable steps, loops with no way out and branches
// that leave some answers nowhere to go.
func (p *parser) checkGraph(d *Dialogue) {
	if len(d.Steps) == 0 {
		return
	}
	reached := map[string]bool{}
	queue := []string{d.Steps[0].ID}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if id == EndID || reached[id] {
			continue
		}
		s, ok := d.step(id)
		if !ok {
			continue // reported by link
		}
		reached[id] = true
		queue = append(queue, d.successors(s)...)
	}
	for _, s := range d.Steps {
		if !reached[s.ID] {
			p.errorf(s.Pos, "point a next:, goto: or else: at it, or remove it", "step %q is never reached", s.ID)
		}
	}

	// Steps that can end: fixed point over "some successor can end".
	ends := map[string]bool{EndID: true}
	for changed := true; changed; {
		changed = false
		for _, s := range d.Steps {
			if ends[s.ID] {
				continue
			}
			succ := d.successors(s)
			if s.Kind == StepEnd || slices.ContainsFunc(succ, func(t string) bool { _, ok := d.step(t); return ends[t] || !ok }) {
				ends[s.ID] = true
				changed = true
			}
		}
	}
	var stuck []string
	var first *Step
	waits := false
	for _, s := range d.Steps {
		if reached[s.ID] && !ends[s.ID] && d.onCycle(s) {
			if first == nil {
				first = s
			}
			stuck = append(stuck, s.ID)
			waits = waits || s.Kind == StepAsk
		}
	}
	if first != nil {
		msg := "loop with no way out: %s never reach the end"
		if !waits {
			msg = "loop with no way out that never waits for a reply: %s"
		}
		p.errorf(first.Pos, "give one of them a branch, next: or else: that leads to end", msg, strings.Join(stuck, ", "))
	}

	for _, s := range d.Steps {
		if s.Kind == StepAsk && s.Expect != nil && len(s.Branches) > 0 && s.Else == "" {
			if gap := uncovered(s.Expect, s.Branches); gap != "" {
				p.errorf(s.Pos, "add a branch for it, or else: for everything the branches leave out",
					"branches of %q do not cover every answer: nothing for %s", s.ID, gap)
			}
			next := d.following(s)
			if next != EndID && slices.ContainsFunc(s.Branches, func(b Branch) bool { return b.Goto == next }) {
				p.warnf(s.Pos, "add else: to say where a reply that is not understood goes",
					"a reply to %q that is not understood goes on to %q, which is also one of its branches", s.ID, next)
			}
		}
	}
}

// onCycle reports whether a run can come back to s after leaving it.
func (d *Dialogue) onCycle(s *Step) bool {
	seen := map[string]bool{}
	queue := d.successors(s)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if id == s.ID {
			return true
		}
		st, ok := d.step(id)
		if seen[id] || !ok {
			continue
		}
		seen[id] = true
		queue = append(queue, d.successors(st)...)
	}
	return false
}

// uncovered describes an answer no branch matches, or returns "".
func uncovered(e *Expect, bs []Branch) string {
	matchesAny := func(v Value) bool {
		return slices.ContainsFunc(bs, func(b Branch) bool { return b.When.Matches(v) })
	}
	switch e.Kind {
	case AnswerYesNo:
		for _, y := range []bool{true, false} {
			if v := (Value{Kind: AnswerYesNo, Yes: y}); !matchesAny(v) {
				return v.String()
			}
		}
	case AnswerChoice:
		for _, o := range e.Options {
			if !matchesAny(Value{Kind: AnswerChoice, Choice: o.Code}) {
				return o.Code
			}
		}
	case AnswerScale:
		var gaps []string
		for n := e.Min; n <= e.Max; n++ {
			if !matchesAny(Value{Kind: AnswerScale, Number: float64(n)}) {
				gaps = append(gaps, fmt.Sprint(n))
			}
		}
		return strings.Join(gaps, ", ")
	case AnswerNumber:
		lo, hi := math.Inf(-1), math.Inf(1)
		if e.NumberMin != nil {
			lo, hi = *e.NumberMin, *e.NumberMax
		}
		return numberGap(lo, hi, bs)
	}
	return ""
}

// numberGap finds a number in [lo, hi] that no branch's range holds.
func numberGap(lo, hi float64, bs []Branch) string {
	var rs [][2]float64
	for _, b := range bs {
		if b.When.Range {
			rs = append(rs, [2]float64{b.When.Min, b.When.Max})
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i][0] < rs[j][0] })
	at := lo // everything below at is covered
	for _, r := range rs {
		if r[0] > at {
			break
		}
		if r[1] >= at {
			at = math.Nextafter(r[1], math.Inf(1))
			if r[1] >= hi {
				return ""
			}
		}
	}
	if math.IsInf(at, -1) {
		return "numbers below any branch"
	}
	return fmt.Sprintf("%g", at)
}

// messages lists every message of the dialogue with what it is.
func (d *Dialogue) messages() []*Message {
	var ms []*Message
	if d.Reply.Reminder != nil {
		ms = append(ms, d.Reply.Reminder)
	}
	for _, s := range d.Steps {
		if s.Text != nil {
			ms = append(ms, s.Text)
		}
		if s.Hint != nil {
			ms = append(ms, s.Hint)
		}
	}
	return ms
}

// giveawayWords name the service or wellbeing: a discreet text avoids them.
var giveawayWords = regexp.MustCompile(`(?i)\b(well-?being|mental|anxious|anxiety|depress\w*|lonel\w*|mood|link worker|social prescrib\w*|counsell\w*|support worker)\b|\{\s*scheme\s*\}`)

var stopWord = regexp.MustCompile(`\bSTOP\b|\{\s*stop_hint\s*\}`)

// checkMessages checks templates, lengths, discreet variants and that the
// first message tells the person how to stop.
func (p *parser) checkMessages(d *Dialogue) {
	for _, m := range d.messages() {
		for _, lang := range d.Languages {
			p.checkText(m.Text[lang], m.Pos, false)
			if t, ok := m.Discreet[lang]; ok {
				p.checkText(t, m.discreetPos, true)
			}
		}
		if len(m.Discreet) == 0 {
			for _, lang := range d.Languages {
				if w := giveawayWords.FindString(m.Text[lang]); w != "" {
					p.warnf(m.Pos, "add a discreet: text for people on a shared phone", "message says %q but has no discreet variant", w)
					break
				}
			}
		}
	}
	if first := d.firstMessage(); first != nil {
		for _, lang := range d.Languages {
			if !stopWord.MatchString(first.Text[lang]) {
				p.errorf(first.Pos, `add {stop_hint} or "Reply STOP to opt out."`, "the first message does not tell the person how to stop")
				break
			}
			if t, ok := first.Discreet[lang]; ok && !stopWord.MatchString(t) {
				p.errorf(first.discreetPos, `add {stop_hint} or "Reply STOP to opt out."`, "the first discreet message does not tell the person how to stop")
				break
			}
		}
	}
}

// firstMessage is the first message a run sends, if any.
func (d *Dialogue) firstMessage() *Message {
	if len(d.Steps) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for id := d.Steps[0].ID; id != EndID && !seen[id]; {
		seen[id] = true
		s, ok := d.step(id)
		if !ok {
			return nil
		}
		if s.Text != nil {
			return s.Text
		}
		if s.Kind == StepEnd {
			return nil
		}
		id = d.successors(s)[0]
	}
	return nil
}

// checkText checks one template: syntax, variables and SMS length.
func (p *parser) checkText(t string, pos Pos, discreet bool) {
	parts, errs := splitTemplate(t)
	for _, e := range errs {
		p.errorf(p.locate(pos, t[e.off:min(len(t), e.off+12)]), e.hint, "%s", e.msg)
	}
	for _, part := range parts {
		if !part.isVar {
			continue
		}
		if _, ok := variable(part.text); !ok {
			p.errorf(p.locate(pos, "{"+part.text), suggest(part.text, variableNames()), "unknown template variable {%s}", part.text)
		}
	}
	if discreet {
		if w := giveawayWords.FindString(t); w != "" {
			p.warnf(pos, "a discreet text names no service and no wellbeing words", "discreet text says %q", w)
		}
	}
	if len(errs) > 0 {
		return
	}
	// As sent: the dispatcher replaces characters that have a plain GSM-7
	// equivalent unless the scheme turns that off.
	text := PlainGSM(render(t, sampleVars()))
	if n, enc := Segments(text); n > 1 {
		hint := "shorten it"
		if enc == UCS2 {
			if r := firstNonGSM(text); r != 0 {
				hint = fmt.Sprintf("%q makes it UCS-2 (70 characters a segment); use plain characters or shorten it", r)
			}
		}
		p.warnf(pos, hint, "message is %d SMS segments (%s, with sample values); one segment (160 GSM-7 characters) is kind to people's credit", n, enc)
	}
}

func variableNames() []string {
	var out []string
	for _, v := range Variables {
		out = append(out, v.Name)
	}
	return out
}

// locate finds needle in the source at or after pos and returns its
// position, or pos when it cannot be found.
func (p *parser) locate(pos Pos, needle string) Pos {
	off := offsetOf(p.src, pos)
	if off < 0 || needle == "" {
		return pos
	}
	i := strings.Index(string(p.src[off:]), needle)
	if i < 0 {
		return pos
	}
	return positionAt(p.src, off+i)
}

// offsetOf converts a 1-based line and column (in characters) to a byte offset.
func offsetOf(src []byte, pos Pos) int {
	line, off := 1, 0
	for line < pos.Line {
		i := strings.IndexByte(string(src[off:]), '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
		line++
	}
	for col := 1; col < pos.Col && off < len(src); col++ {
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}

// positionAt converts a byte offset to a 1-based line and column.
func positionAt(src []byte, off int) Pos {
	pos := Pos{Line: 1, Col: 1}
	for i := 0; i < off; {
		r, size := utf8.DecodeRune(src[i:])
		if r == '\n' {
			pos.Line++
			pos.Col = 1
		} else {
			pos.Col++
		}
		i += size
	}
	return pos
}
