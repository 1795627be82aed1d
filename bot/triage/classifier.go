package triage

import (
	"fmt"
	"sync"
)

// ReasonModel is the Reason of a result made urgent by the model rather
// than by a rule.
const ReasonModel = "model"

// Result is what triage says about one message.
type Result struct {
	Label           Label      `json:"label"`
	Urgent          bool       `json:"urgent"`
	Confidence      float64    `json:"confidence"` // how sure: 1 for a rule match, else the model's probability of Label
	Reason          string     `json:"reason"`     // the matched rule phrase, "model", or "" when not urgent
	RiskProbability float64    `json:"risk_probability"`
	Rule            *RuleMatch `json:"-"` // the rule that matched, if one did
}

// Classifier labels messages with the safety rules and the trained model.
// It is safe for concurrent use.
type Classifier struct {
	rules     *ruleSet
	w         *weights
	threshold float64
	scratch   sync.Pool // *scratch
}

type scratch struct {
	ids  []int
	x, h []float32
}

// newClassifier joins the lexicon and trained weights.
func newClassifier(w *weights, threshold float64) (*Classifier, error) {
	rs, err := newRuleSet(Lexicon)
	if err != nil {
		return nil, err
	}
	if threshold <= 0 || threshold >= 1 {
		return nil, fmt.Errorf("risk threshold %v outside (0, 1)", threshold)
	}
	if w.known == nil {
		w.markKnown()
	}
	c := &Classifier{rules: rs, w: w, threshold: threshold}
	c.scratch.New = func() any {
		return &scratch{ids: make([]int, 0, 256), x: make([]float32, w.inputs()), h: make([]float32, w.hidden)}
	}
	return c, nil
}

// Classify labels one message. A message is urgent when a lexicon rule
// matches or the model's risk probability reaches the threshold; an urgent
// message is always labelled risk, and a message labelled risk is always
// urgent. Otherwise the label is the most probable one that is not risk
// (even when risk is the model's top label but below the threshold).
func (c *Classifier) Classify(text string) Result {
	words := normaliseTokens(text)
	probs := c.probabilities(words)
	pRisk := probs[Risk]
	if m, ok := c.rules.match(words); ok {
		return Result{Label: Risk, Urgent: true, Confidence: 1, Reason: m.Phrase, RiskProbability: pRisk, Rule: &m}
	}
	if pRisk >= c.threshold {
		return Result{Label: Risk, Urgent: true, Confidence: pRisk, Reason: ReasonModel, RiskProbability: pRisk}
	}
	best := decide(probs, false, c.threshold)
	return Result{Label: best, Confidence: probs[best], RiskProbability: pRisk}
}

// probabilities runs the model on normalised words.
func (c *Classifier) probabilities(words []string) [numLabels]float64 {
	s := c.scratch.Get().(*scratch)
	defer c.scratch.Put(s)
	s.ids = c.w.knownIDs(c.w.features.featureIDs(words, s.ids))
	return c.w.probabilities(s.ids, s.x, s.h)
}
