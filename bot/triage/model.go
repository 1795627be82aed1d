package triage

import (
	"bytes"
	_ "embed"
	"sync"
)

// The trained model shipped in the binary, written by "linkbot triage
// train". Its card (model/triage.card.json) is embedded by the tests.
//
//go:embed model/triage.bin.gz
var embeddedWeights []byte

// ModelCard records how a model was trained and what it scored. It is
// saved next to the weights; a test recomputes the dev scores from the
// embedded weights and compares.
type ModelCard struct {
	FormatVersion int         `json:"format_version"`
	Train         TrainReport `json:"train"`
	Dev           Metrics     `json:"dev"`
	// DevRiskRecallRulesOnly is the share of dev risk messages a lexicon
	// rule matches.
	DevRiskRecallRulesOnly float64 `json:"dev_risk_recall_rules_only"`
	// DevRiskRecallModelOnly is the share of dev risk messages whose model
	// risk probability reaches the threshold.
	DevRiskRecallModelOnly float64 `json:"dev_risk_recall_model_only"`
	// Test scores the second held-out set (data/test.tsv), when there is one.
	Test *Metrics `json:"test,omitempty"`
}

// NewModelCard scores c on the dev examples and, when there are any, the
// test examples.
func NewModelCard(c *Classifier, rep TrainReport, dev, test []Example) ModelCard {
	card := ModelCard{FormatVersion: c.fileVersion(), Train: rep, Dev: Evaluate(c, dev)}
	if len(test) > 0 {
		m := Evaluate(c, test)
		card.Test = &m
	}
	var risk, ruled, model int
	for _, e := range dev {
		if e.Label != Risk {
			continue
		}
		risk++
		r := c.Classify(e.Text)
		if r.Rule != nil {
			ruled++
		}
		if r.RiskProbability >= c.threshold {
			model++
		}
	}
	if risk > 0 {
		card.DevRiskRecallRulesOnly = float64(ruled) / float64(risk)
		card.DevRiskRecallModelOnly = float64(model) / float64(risk)
	}
	return card
}

var (
	defaultOnce       sync.Once
	defaultClassifier *Classifier
	defaultErr        error
)

// Default returns the classifier built from the embedded model, loading it
// on first use. The same classifier is returned every time; it is safe for
// concurrent use.
func Default() (*Classifier, error) {
	defaultOnce.Do(func() {
		defaultClassifier, defaultErr = Load(bytes.NewReader(embeddedWeights))
	})
	return defaultClassifier, defaultErr
}
