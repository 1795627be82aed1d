package bot

import "github.com/linkbot/linkbot/bot/triage"

// TriageResult is what a classifier says about one inbound message.
type TriageResult struct {
	Urgent bool   // the message may show risk: safety net and urgent escalation now
	Label  string // the classifier's label, for the escalation note
	Reason string // why, in words for the link worker (never the person's text)
	// ByRule is set when a safety rule (a phrase of the risk lexicon)
	// matched, not only the model: always urgent, whatever the context.
	ByRule bool
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

// Classifier adapts bot/triage's classifier — the safety rules first, then
// the trained model — to Triage.
func Classifier(c *triage.Classifier) Triage {
	return TriageFunc(func(text string) TriageResult {
		r := c.Classify(text)
		return TriageResult{Urgent: r.Urgent, Label: r.Label.String(), Reason: r.Reason, ByRule: r.Rule != nil}
	})
}
