package triage

import (
	"fmt"
	"io"
	"strings"
)

// LabelScore is precision, recall and F1 of one label.
type LabelScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"` // examples whose true label this is
}

// Metrics summarise a classifier on labelled examples.
type Metrics struct {
	Examples  int                   `json:"examples"`
	Accuracy  float64               `json:"accuracy"`
	MacroF1   float64               `json:"macro_f1"`
	PerLabel  map[string]LabelScore `json:"per_label"`
	Confusion [][]int               `json:"confusion"` // [true][predicted], in Labels() order
}

// Evaluate classifies every example and scores the predicted labels.
func Evaluate(c *Classifier, examples []Example) Metrics {
	pred := make([]Label, len(examples))
	for i, e := range examples {
		pred[i] = c.Classify(e.Text).Label
	}
	return score(examples, pred)
}

// score compares predicted labels with the examples' labels.
func score(examples []Example, pred []Label) Metrics {
	m := Metrics{Examples: len(examples), PerLabel: map[string]LabelScore{}, Confusion: make([][]int, numLabels)}
	for i := range m.Confusion {
		m.Confusion[i] = make([]int, numLabels)
	}
	correct := 0
	for i, e := range examples {
		m.Confusion[e.Label][pred[i]]++
		if e.Label == pred[i] {
			correct++
		}
	}
	if len(examples) > 0 {
		m.Accuracy = float64(correct) / float64(len(examples))
	}
	for _, l := range Labels() {
		tp := m.Confusion[l][l]
		var predicted, actual int
		for k := range numLabels {
			predicted += m.Confusion[k][l]
			actual += m.Confusion[l][k]
		}
		s := LabelScore{Support: actual}
		if predicted > 0 {
			s.Precision = float64(tp) / float64(predicted)
		}
		if actual > 0 {
			s.Recall = float64(tp) / float64(actual)
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		m.PerLabel[l.String()] = s
		m.MacroF1 += s.F1 / float64(numLabels)
	}
	return m
}

// WriteTo prints the scores per label, the macro F1 and the confusion
// matrix as plain text.
func (m Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-11s %9s %9s %9s %8s\n", "label", "precision", "recall", "f1", "support")
	for _, l := range Labels() {
		s := m.PerLabel[l.String()]
		fmt.Fprintf(&b, "%-11s %9.3f %9.3f %9.3f %8d\n", l, s.Precision, s.Recall, s.F1, s.Support)
	}
	fmt.Fprintf(&b, "\nexamples %d  accuracy %.3f  macro F1 %.3f\n\n", m.Examples, m.Accuracy, m.MacroF1)
	fmt.Fprintf(&b, "confusion (rows: true label, columns: predicted)\n%-11s", "")
	for _, l := range Labels() {
		fmt.Fprintf(&b, " %10s", l)
	}
	b.WriteString("\n")
	for _, t := range Labels() {
		fmt.Fprintf(&b, "%-11s", t)
		for _, p := range Labels() {
			fmt.Fprintf(&b, " %10d", m.Confusion[t][p])
		}
		b.WriteString("\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
