package triage

import (
	"bytes"
	"fmt"
	"math"
)

// Folds is the number of cross-validation folds Train uses to choose the
// risk threshold.
const Folds = 5

// MinPrecision is the risk precision the threshold must keep. Train takes
// the lowest threshold (so the most recall) whose out-of-fold risk
// precision is at least this: a missed "I can't go on" is the worst bug,
// but an urgent path that cries wolf at 2 a.m. stops being read.
const MinPrecision = 0.90

// thresholdGrid lists the candidate thresholds, lowest first.
func thresholdGrid() []float64 {
	var ts []float64
	for i := 1; i <= 99; i++ {
		ts = append(ts, float64(i)/100)
	}
	return append(ts, 0.995, 0.999)
}

// TrainReport says how a classifier was trained and how the threshold was
// chosen.
type TrainReport struct {
	Config    TrainConfig `json:"config"`
	Examples  int         `json:"examples"`
	Threshold float64     `json:"threshold"`
	// ThresholdRule explains the choice in one sentence.
	ThresholdRule string `json:"threshold_rule"`
	// OutOfFoldRiskMissedByRules is how many training risk examples no
	// rule matched; the threshold is set so the model catches all of them
	// in cross-validation.
	OutOfFoldRiskMissedByRules int `json:"out_of_fold_risk_missed_by_rules"`
	// OutOfFoldModelRiskRecall is the model's own risk recall at the
	// threshold in cross-validation, rules left aside.
	OutOfFoldModelRiskRecall float64 `json:"out_of_fold_model_risk_recall"`
	// OutOfFold scores the whole decision (rules and model) on the
	// out-of-fold predictions.
	OutOfFold Metrics `json:"out_of_fold"`
	// Curve shows the trade-off the threshold was chosen on.
	Curve []ThresholdPoint `json:"curve"`
}

// ThresholdPoint is the out-of-fold risk precision and recall at one
// threshold.
type ThresholdPoint struct {
	Threshold      float64 `json:"threshold"`
	Precision      float64 `json:"precision"`       // rules and model together
	Recall         float64 `json:"recall"`          // rules and model together
	ModelRecall    float64 `json:"model_recall"`    // the model alone
	ModelPrecision float64 `json:"model_precision"` // the model alone
}

// Train trains a classifier on examples. It first runs Folds-fold
// cross-validation (example i is in fold i mod Folds) to get probabilities
// for every training example from a model that did not see it, and picks
// the lowest risk threshold at which the whole decision (rule or model)
// keeps MinPrecision on those predictions (walking down from the top, so
// the precision curve's wiggles below cannot pull it lower). Then it trains
// the final model on all examples. The dev set is never looked at.
func Train(examples []Example, cfg TrainConfig) (*Classifier, TrainReport, error) {
	rep := TrainReport{Config: cfg, Examples: len(examples)}
	rules, err := newRuleSet(Lexicon)
	if err != nil {
		return nil, rep, err
	}
	oof := make([][numLabels]float64, len(examples))
	for k := range Folds {
		var train, held []int
		for i := range examples {
			if i%Folds == k {
				held = append(held, i)
			} else {
				train = append(train, i)
			}
		}
		w, err := trainNetwork(pick(examples, train), cfg)
		if err != nil {
			return nil, rep, fmt.Errorf("fold %d: %w", k, err)
		}
		c, err := newClassifier(w, 0.5)
		if err != nil {
			return nil, rep, err
		}
		for _, i := range held {
			oof[i] = c.probabilities(normaliseTokens(examples[i].Text))
		}
	}

	ruled := make([]bool, len(examples))
	for i, e := range examples {
		_, ruled[i] = rules.match(normaliseTokens(e.Text))
		if e.Label == Risk && !ruled[i] {
			rep.OutOfFoldRiskMissedByRules++
		}
	}
	grid := thresholdGrid()
	threshold := grid[len(grid)-1]
	for i := len(grid) - 1; i >= 0; i-- {
		t := grid[i]
		pred := make([]Label, len(examples))
		for i := range examples {
			pred[i] = decide(oof[i], ruled[i], t)
		}
		if score(examples, pred).PerLabel[Risk.String()].Precision < MinPrecision {
			break
		}
		threshold = t
	}
	for _, t := range grid {
		if i := int(math.Round(t * 1000)); i%100 == 0 || i == 50 || i == 950 || i == 990 || i == 999 {
			rep.Curve = append(rep.Curve, curvePoint(examples, oof, ruled, t))
		}
	}
	rep.Threshold = threshold
	rep.ThresholdRule = fmt.Sprintf("the lowest threshold on a grid of 0.01 to 0.999 (walking down from the top) at which rules and model together keep risk precision at or above %.2f on %d-fold out-of-fold predictions over the training set: the most recall that precision allows",
		MinPrecision, Folds)

	pred := make([]Label, len(examples))
	var risk, caught int
	for i, e := range examples {
		pred[i] = decide(oof[i], ruled[i], threshold)
		if e.Label == Risk {
			risk++
			if oof[i][Risk] >= threshold {
				caught++
			}
		}
	}
	if risk > 0 {
		rep.OutOfFoldModelRiskRecall = float64(caught) / float64(risk)
	}
	rep.OutOfFold = score(examples, pred)

	w, err := trainNetwork(examples, cfg)
	if err != nil {
		return nil, rep, fmt.Errorf("final model: %w", err)
	}
	// Round-trip through the file format so the returned classifier is
	// exactly the one WriteTo saves.
	c, err := newClassifier(w, threshold)
	if err != nil {
		return nil, rep, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, rep, err
	}
	c, err = Load(&buf)
	return c, rep, err
}

// curvePoint scores threshold t on out-of-fold probabilities.
func curvePoint(examples []Example, oof [][numLabels]float64, ruled []bool, t float64) ThresholdPoint {
	pred := make([]Label, len(examples))
	model := make([]Label, len(examples))
	for i := range examples {
		pred[i] = decide(oof[i], ruled[i], t)
		model[i] = decide(oof[i], false, t)
	}
	both := score(examples, pred).PerLabel[Risk.String()]
	alone := score(examples, model).PerLabel[Risk.String()]
	return ThresholdPoint{Threshold: t, Precision: both.Precision, Recall: both.Recall, ModelRecall: alone.Recall, ModelPrecision: alone.Precision}
}

// decide turns model probabilities and a rule match into a label: risk
// when a rule matched or the risk probability reaches the threshold, else
// the most probable other label.
func decide(probs [numLabels]float64, ruled bool, threshold float64) Label {
	if ruled || probs[Risk] >= threshold {
		return Risk
	}
	best := Label(-1)
	for l := Label(0); l < numLabels; l++ {
		if l != Risk && (best < 0 || probs[l] > probs[best]) {
			best = l
		}
	}
	return best
}

func pick(examples []Example, idx []int) []Example {
	out := make([]Example, len(idx))
	for i, j := range idx {
		out[i] = examples[j]
	}
	return out
}
