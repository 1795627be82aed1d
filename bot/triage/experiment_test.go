package triage

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrossValidationExperiment compares training configurations on the
// training set only, out of fold. It runs when TRIAGE_EXPERIMENT holds a
// JSON list of TrainConfig overrides, e.g.
//
//	TRIAGE_EXPERIMENT='[{}, {"Bags":2,"Pool":"sqrt"}]' go test -run=CrossValidationExperiment -v ./bot/triage
//
// The dev set is never read.
func TestCrossValidationExperiment(t *testing.T) {
	spec := os.Getenv("TRIAGE_EXPERIMENT")
	if spec == "" {
		t.Skip("set TRIAGE_EXPERIMENT to run")
	}
	// TRIAGE_VECTORS names a word vector table ("linkbot triage vectors")
	// for configurations with the word-order branch.
	if path := os.Getenv("TRIAGE_VECTORS"); path != "" {
		vectorsSource = func() (io.Reader, error) { return os.Open(path) }
	}
	var overrides []json.RawMessage
	if err := json.Unmarshal([]byte(spec), &overrides); err != nil {
		t.Fatal(err)
	}
	train := mustRead(t, "data/train.tsv")
	if n, err := strconv.Atoi(os.Getenv("TRIAGE_EXPERIMENT_LINES")); err == nil && n < len(train) {
		train = train[:n] // only the first n lines, to compare with an earlier dataset
	}
	// TRIAGE_EXPERIMENT_SCORE_FIRST=n also scores the first n lines alone
	// (out of fold, at the same thresholds): the earliest lines, by the
	// writer of the dev set, are the closest to it in the training set.
	first, _ := strconv.Atoi(os.Getenv("TRIAGE_EXPERIMENT_SCORE_FIRST"))
	// As Train chooses the threshold: without the rules written from the
	// training set's own misses, unless TRIAGE_EXPERIMENT_ALL_RULES is set.
	lexicon := coreLexicon
	if os.Getenv("TRIAGE_EXPERIMENT_ALL_RULES") != "" {
		lexicon = Lexicon
	}
	rules, err := newRuleSet(lexicon)
	if err != nil {
		t.Fatal(err)
	}
	ruled := make([]bool, len(train))
	for i, e := range train {
		_, ruled[i] = rules.match(normaliseTokens(e.Text))
	}
	report := func(line string, oof [][numLabels]float64) string {
		for _, target := range []float64{1, 0.995, 0.99} {
			th := thresholdForRecall(train, oof, ruled, target)
			pred := make([]Label, len(train))
			for i := range train {
				pred[i] = decide(oof[i], ruled[i], th)
			}
			m := score(train, pred)
			p := curvePoint(train, oof, ruled, th)
			line += fmt.Sprintf("\n   recall≥%.3f: t=%.3f  F1 %.3f  risk P %.3f R %.3f  model-alone R %.3f P %.3f", target, th, m.MacroF1, p.Precision, p.Recall, p.ModelRecall, p.ModelPrecision)
			if first > 0 && first < len(train) {
				fm := score(train[:first], pred[:first])
				fp := curvePoint(train[:first], oof[:first], ruled[:first], th)
				line += fmt.Sprintf("  | first %d: F1 %.3f risk P %.3f R %.3f", first, fm.MacroF1, fp.Precision, fp.Recall)
			}
		}
		mp := make([]Label, len(train))
		for i := range train {
			mp[i] = decide(oof[i], false, 2)
		}
		line += fmt.Sprintf("\n   model-alone risk average precision %.3f", riskAveragePrecision(train, oof))
		if first > 0 && first < len(train) {
			line += fmt.Sprintf("  | first %d: %.3f", first, riskAveragePrecision(train[:first], oof[:first]))
		}
		line += fmt.Sprintf("\n   non-risk macro view: accuracy (risk never) %.3f", score(train, mp).Accuracy)
		return line
	}
	// TRIAGE_EXPERIMENT_CACHE=dir keeps each configuration's out-of-fold
	// probabilities in dir and reuses them; TRIAGE_EXPERIMENT_AVERAGE=1
	// also scores the mean of all the configurations' probabilities (an
	// ensemble of them).
	cache := os.Getenv("TRIAGE_EXPERIMENT_CACHE")
	var mean [][numLabels]float64
	for _, o := range overrides {
		cfg := DefaultTrainConfig()
		if err := json.Unmarshal(o, &cfg); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s/%x.json", cache, fnvString(fmt.Sprintf("%s|%d|%s", o, len(train), os.Getenv("TRIAGE_EXPERIMENT_ENSEMBLE"))))
		var oof [][numLabels]float64
		if body, err := os.ReadFile(key); cache != "" && err == nil && json.Unmarshal(body, &oof) == nil && len(oof) == len(train) {
			t.Log(report(fmt.Sprintf("%s  (cached)", o), oof))
		} else {
			oof = runConfig(t, train, cfg, o, report)
			if cache != "" {
				body, _ := json.Marshal(oof)
				os.WriteFile(key, body, 0o644)
			}
		}
		if mean == nil {
			mean = make([][numLabels]float64, len(train))
		}
		for i := range oof {
			for l := range oof[i] {
				mean[i][l] += oof[i][l] / float64(len(overrides))
			}
		}
	}
	if os.Getenv("TRIAGE_EXPERIMENT_AVERAGE") != "" && len(overrides) > 1 {
		t.Log(report("mean of the configurations above", mean))
	}
	// TRIAGE_EXPERIMENT_DUMP=file writes, for the mean of the
	// configurations, one line per training example: line number, label,
	// whether a rule matched, P(risk) out of fold, and the text — to read
	// the hardest risk messages and the worst false alarms of the
	// training set (never of dev, test or other writers).
	if path := os.Getenv("TRIAGE_EXPERIMENT_DUMP"); path != "" {
		var b strings.Builder
		for i, e := range train {
			fmt.Fprintf(&b, "%d\t%s\t%v\t%.4f\t%s\n", i+1, e.Label, ruled[i], mean[i][Risk], e.Text)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fnvString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// runConfig trains the folds for one configuration and logs its scores.
func runConfig(t *testing.T, train []Example, cfg TrainConfig, o json.RawMessage, report func(string, [][numLabels]float64) string) [][numLabels]float64 {
	start := time.Now()
	oof, err := crossValidate(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// TRIAGE_EXPERIMENT_ENSEMBLE=n averages the probabilities of n
	// models trained with seeds Seed, Seed+1, … (an ensemble).
	if n, _ := strconv.Atoi(os.Getenv("TRIAGE_EXPERIMENT_ENSEMBLE")); n > 1 {
		for k := 1; k < n; k++ {
			c2 := cfg
			c2.Seed = cfg.Seed + uint64(k)
			more, err := crossValidate(train, c2)
			if err != nil {
				t.Fatal(err)
			}
			for i := range oof {
				for l := range oof[i] {
					oof[i][l] += more[i][l]
				}
			}
		}
		for i := range oof {
			for l := range oof[i] {
				oof[i][l] /= float64(n)
			}
		}
	}
	took := time.Since(start)
	// Fit accuracy of one model on everything it trained on, to see
	// whether training converges.
	w, err := trainNetwork(train[:len(train)/5], cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := newClassifier([]*weights{w}, 0.5)
	fit := 0
	for _, e := range train[:len(train)/5] {
		if decide(c.probabilities(normaliseTokens(e.Text)), false, 2) == e.Label || (e.Label == Risk && c.probabilities(normaliseTokens(e.Text))[Risk] > 0.5) {
			fit++
		}
	}
	line := fmt.Sprintf("%s  cv %s  fit-acc(1/5) %.3f", o, took.Round(time.Second), float64(fit)/float64(len(train)/5))
	t.Log(report(line, oof))
	return oof
}

// riskAveragePrecision is the average precision of ranking examples by
// the model's P(risk) (risk examples relevant): the area under the
// precision-recall curve, free of any threshold.
func riskAveragePrecision(examples []Example, oof [][numLabels]float64) float64 {
	idx := make([]int, len(examples))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return oof[idx[a]][Risk] > oof[idx[b]][Risk] })
	var risk, seen, sum float64
	for _, e := range examples {
		if e.Label == Risk {
			risk++
		}
	}
	for n, i := range idx {
		if examples[i].Label == Risk {
			seen++
			sum += seen / float64(n+1)
		}
	}
	return sum / risk
}
