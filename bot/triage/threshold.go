package triage

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Folds is the number of cross-validation folds Train uses to choose the
// risk threshold.
const Folds = 5

// MinRecall is the out-of-fold risk recall (rules and model together) the
// threshold must keep. Train takes the highest threshold that still
// recalls this share of the training set's risk messages out of fold: a
// missed "I can't go on" is the worst bug we can ship, so recall is chosen
// first and precision is what is left. 100% would put the threshold at the
// bottom of the grid (one or two odd examples decide it) and make every
// third message urgent; 99.5% allows about one miss in two hundred.
const MinRecall = 0.995

// thresholdGrid lists the candidate thresholds, lowest first.
func thresholdGrid() []float64 {
	var ts []float64
	for i := 1; i <= 9; i++ {
		ts = append(ts, float64(i)/1000)
	}
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
	// rule matched: only the model can catch them.
	OutOfFoldRiskMissedByRules int `json:"out_of_fold_risk_missed_by_rules"`
	// OutOfFoldModelRiskRecall is the model's own risk recall at the
	// threshold in cross-validation, rules left aside.
	OutOfFoldModelRiskRecall float64 `json:"out_of_fold_model_risk_recall"`
	// OutOfFold scores the whole decision (rules and model) on the
	// out-of-fold predictions.
	OutOfFold Metrics `json:"out_of_fold"`
	// Curve shows the trade-off the threshold was chosen on.
	Curve []ThresholdPoint `json:"curve"`
	// Reliability is the reliability curve of the model's P(risk) out of
	// fold: how often a message given about p is risk.
	Reliability []ReliabilityBin `json:"reliability"`
}

// ReliabilityBin is one bin of a reliability curve: the training messages
// whose out-of-fold P(risk) fell in [From, To), how many, their mean
// P(risk), and the share of them that are risk. A calibrated model has
// Observed close to Predicted in every bin.
type ReliabilityBin struct {
	From      float64 `json:"from"`
	To        float64 `json:"to"`
	Messages  int     `json:"messages"`
	Predicted float64 `json:"predicted"`
	Observed  float64 `json:"observed"`
}

// reliability bins the out-of-fold P(risk) of examples in tenths.
func reliability(examples []Example, oof [][numLabels]float64) []ReliabilityBin {
	bins := make([]ReliabilityBin, 10)
	for i := range bins {
		bins[i].From, bins[i].To = float64(i)/10, float64(i+1)/10
	}
	for i, e := range examples {
		p := oof[i][Risk]
		b := &bins[min(int(p*10), 9)]
		b.Messages++
		b.Predicted += p
		if e.Label == Risk {
			b.Observed++
		}
	}
	for i := range bins {
		if n := float64(bins[i].Messages); n > 0 {
			bins[i].Predicted /= n
			bins[i].Observed /= n
		}
	}
	return bins
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
// the highest risk threshold at which the whole decision (rule or model)
// keeps MinRecall on those predictions. Then it trains the final model on
// all examples. The dev set is never looked at.
func Train(examples []Example, cfg TrainConfig) (*Classifier, TrainReport, error) {
	rep := TrainReport{Config: cfg, Examples: len(examples)}
	// The rules written from these examples' own out-of-fold misses
	// (fromTrainingMisses) are left out here: counting them would choose
	// the threshold as if they would catch unseen messages as surely as
	// the ones they were written from.
	rules, err := newRuleSet(coreLexicon)
	if err != nil {
		return nil, rep, err
	}
	oof, err := crossValidate(examples, cfg)
	if err != nil {
		return nil, rep, err
	}

	ruled := make([]bool, len(examples))
	for i, e := range examples {
		_, ruled[i] = rules.match(normaliseTokens(e.Text))
		if e.Label == Risk && !ruled[i] {
			rep.OutOfFoldRiskMissedByRules++
		}
	}
	threshold := thresholdForRecall(examples, oof, ruled, MinRecall)
	grid := thresholdGrid()
	for _, t := range grid {
		if i := int(math.Round(t * 1000)); i%100 == 0 || i == 50 || i == 950 || i == 990 || i == 999 {
			rep.Curve = append(rep.Curve, curvePoint(examples, oof, ruled, t))
		}
	}
	if !slices.ContainsFunc(rep.Curve, func(p ThresholdPoint) bool { return p.Threshold == threshold }) {
		rep.Curve = append(rep.Curve, curvePoint(examples, oof, ruled, threshold))
		slices.SortFunc(rep.Curve, func(a, b ThresholdPoint) int { return cmp.Compare(a.Threshold, b.Threshold) })
	}
	rep.Threshold = threshold
	rep.Reliability = reliability(examples, oof)
	rep.ThresholdRule = fmt.Sprintf("the highest threshold on a grid of 0.001 to 0.999 at which rules and model together keep risk recall at or above %.3f on %d-fold out-of-fold predictions over the training set: recall first, precision is what is left",
		MinRecall, Folds)

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

	models, err := trainModels(examples, cfg)
	if err != nil {
		return nil, rep, fmt.Errorf("final model: %w", err)
	}
	// Round-trip through the file format so the returned classifier is
	// exactly the one WriteTo saves.
	c, err := newClassifier(models, threshold)
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

// crossValidate returns, for every example, the model's probabilities from
// the fold model that did not see it (example i is in fold i mod Folds);
// for an ensemble, the mean of its members' probabilities, as Classify
// gives.
func crossValidate(examples []Example, cfg TrainConfig) ([][numLabels]float64, error) {
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
		models, err := trainModels(pick(examples, train), cfg)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", k, err)
		}
		c, err := newClassifier(models, 0.5)
		if err != nil {
			return nil, err
		}
		for _, i := range held {
			oof[i] = c.probabilities(normaliseTokens(examples[i].Text))
		}
	}
	return oof, nil
}

// thresholdForRecall returns the highest grid threshold at which rules and
// model together recall at least target of the risk examples out of fold
// (the lowest grid threshold if none does).
func thresholdForRecall(examples []Example, oof [][numLabels]float64, ruled []bool, target float64) float64 {
	grid := thresholdGrid()
	var risk int
	for _, e := range examples {
		if e.Label == Risk {
			risk++
		}
	}
	for i := len(grid) - 1; i >= 0; i-- {
		caught := 0
		for j, e := range examples {
			if e.Label == Risk && (ruled[j] || oof[j][Risk] >= grid[i]) {
				caught++
			}
		}
		if float64(caught) >= target*float64(risk)-1e-9 {
			return grid[i]
		}
	}
	return grid[0]
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
