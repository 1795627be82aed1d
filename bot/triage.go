package bot

import (
	"regexp"
)

// TriageResult is what a classifier says about one inbound message.
type TriageResult struct {
	Urgent bool   // the message may show risk: safety net and urgent escalation now
	Label  string // the classifier's label, for the escalation note
	Reason string // why, in words for the link worker (never the person's text)
}

// Triage classifies inbound messages. It only raises priority: every
// message reaches the link worker whatever it says. bot/triage's
// classifier is adapted to it where the server is wired.
type Triage interface {
	Classify(text string) TriageResult
}

// TriageFunc adapts a function to Triage.
type TriageFunc func(text string) TriageResult

// Classify calls f.
func (f TriageFunc) Classify(text string) TriageResult { return f(text) }

// riskWords is a small rule-based stand-in for bot/triage, until that
// classifier is wired in. It errs towards urgency.
var riskWords = regexp.MustCompile(`(?i)\b(kill(ing)? my ?self|end (it|my life)|suicid|want(ed)? to die|better off dead|` +
	`can'?t go on|can'?t cope|can'?t stop crying|no reason to live|hurt(ing)? my ?self|self[- ]harm|overdose|` +
	`(he|she|they) (hit|hits|hurt|hurts|beat|beats) me|not safe at home|chest pain|can'?t breathe)`)

// SafetyWords is a rule-based stand-in for the triage classifier: it
// marks messages with clear risk words urgent. It is for tests and for
// running before bot/triage is wired; it is not a classifier.
var SafetyWords Triage = TriageFunc(func(text string) TriageResult {
	if riskWords.MatchString(normaliseApostrophes(text)) {
		return TriageResult{Urgent: true, Label: "risk", Reason: "risk words (rule-based stand-in)"}
	}
	return TriageResult{Label: "routine"}
})

func normaliseApostrophes(s string) string {
	return regexp.MustCompile(`[’‘]`).ReplaceAllString(s, "'")
}
