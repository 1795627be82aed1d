package dialogues

import (
	"fmt"
	"strings"
)

// Vars are the template values of one run, by variable name.
type Vars map[string]string

// Variable is a name a message template may use, with a sample value used
// to measure messages at validation time.
type Variable struct {
	Name    string
	Meaning string
	Sample  string // a longish realistic value, for SMS length checks
	Default string // used when the caller gives no value
}

// StopHint is the default value of {stop_hint}.
const StopHint = "Reply STOP to opt out."

// Variables is the fixed set of template variables.
var Variables = []Variable{
	{"first_name", "the person's first name", "Margaret", "there"},
	{"link_worker", "the link worker's first name", "Priya", "your link worker"},
	{"scheme", "the scheme's name (not for discreet texts)", "Northgate Connect", "us"},
	{"contact_day", "the contact's day, e.g. Tuesday 4 March", "Wednesday 12 March", ""},
	{"contact_time", "the contact's time, e.g. 2:30pm", "10:30am", ""},
	{"contact_place", "where the contact is, e.g. the library", "Bramley Community Centre", ""},
	{"activity", "the suggested activity", "walking football", ""},
	{"activity_day", "the activity's day, e.g. Tuesdays", "Thursdays", ""},
	{"activity_time", "the activity's time", "10:30am", ""},
	{"activity_place", "the activity's place", "Bramley Park", ""},
	{"stop_hint", "how to stop the texts", StopHint, StopHint},
}

// variable returns the named variable.
func variable(name string) (Variable, bool) {
	for _, v := range Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// templatePart is a piece of a template: literal text or a variable.
type templatePart struct {
	text  string
	isVar bool
	off   int // byte offset of the part in the template
}

// splitTemplate cuts a template into literal text and {variable} parts.
// Errors name the byte offset of the problem.
func splitTemplate(t string) ([]templatePart, []offsetError) {
	var parts []templatePart
	var errs []offsetError
	var lit strings.Builder
	litStart := 0
	flush := func(next int) {
		if lit.Len() > 0 {
			parts = append(parts, templatePart{text: lit.String(), off: litStart})
			lit.Reset()
		}
		litStart = next
	}
	for i := 0; i < len(t); {
		switch {
		case strings.HasPrefix(t[i:], "{{"):
			lit.WriteByte('{')
			i += 2
		case strings.HasPrefix(t[i:], "}}"):
			lit.WriteByte('}')
			i += 2
		case t[i] == '{':
			end := strings.IndexByte(t[i:], '}')
			if end < 0 {
				errs = append(errs, offsetError{i, "unclosed { in message", `close it with }, or write {{ for a literal brace`})
				lit.WriteString(t[i:])
				i = len(t)
				continue
			}
			if inner := strings.IndexByte(t[i+1:i+end], '{'); inner >= 0 {
				errs = append(errs, offsetError{i, "unclosed { in message", `close it with }, or write {{ for a literal brace`})
				lit.WriteString(t[i : i+1+inner])
				i += 1 + inner
				continue
			}
			flush(i)
			name := strings.TrimSpace(t[i+1 : i+end])
			parts = append(parts, templatePart{text: name, isVar: true, off: i})
			i += end + 1
			litStart = i
		case t[i] == '}':
			errs = append(errs, offsetError{i, "stray } in message", "write }} for a literal brace"})
			lit.WriteByte('}')
			i++
		default:
			lit.WriteByte(t[i])
			i++
		}
	}
	flush(len(t))
	return parts, errs
}

// offsetError is a problem at a byte offset inside a string.
type offsetError struct {
	off       int
	msg, hint string
}

// render fills a template with vars (falling back to each variable's
// default). Templates were checked by Parse, so unknown names cannot occur;
// were one to slip through it renders as nothing.
func render(t string, vars Vars) string {
	if !strings.ContainsAny(t, "{}") {
		return t
	}
	parts, _ := splitTemplate(t)
	var b strings.Builder
	for _, p := range parts {
		if !p.isVar {
			b.WriteString(p.text)
			continue
		}
		if v, ok := vars[p.text]; ok && v != "" {
			b.WriteString(v)
		} else if known, ok := variable(p.text); ok {
			b.WriteString(known.Default)
		}
	}
	return b.String()
}

// sampleVars are the sample values used to measure messages.
func sampleVars() Vars {
	vs := Vars{}
	for _, v := range Variables {
		vs[v.Name] = v.Sample
	}
	return vs
}

// Render fills the template of m for the given params: the discreet text
// when p.Discreet and one exists, in p.Language when given.
func (m *Message) Render(p Params) string {
	return render(m.pick(p), p.Vars)
}

// pick chooses the template text for the params.
func (m *Message) pick(p Params) string {
	texts := m.Text
	if p.Discreet && len(m.Discreet) > 0 {
		texts = m.Discreet
	}
	if t, ok := texts[p.Language]; ok {
		return t
	}
	if t, ok := texts[m.defaultLang]; ok {
		return t
	}
	for _, t := range texts { // a single language: whatever it is
		return t
	}
	return ""
}

var _ = fmt.Sprint
