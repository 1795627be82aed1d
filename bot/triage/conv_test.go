package triage

import (
	"bytes"
	"math"
	mrand "math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/mat"
)

// syntheticVectors gives every word of examples a made-up vector of dims
// values, so the word-order branch can be tested without the real table.
func syntheticVectors(examples []Example, dims int) *wordVectors {
	r := mrand.New(mrand.NewPCG(1, 2))
	vocab := TrainingVocabulary(examples)
	v := &wordVectors{dims: dims, index: map[string]int32{}, data: make([]float32, len(vocab)*dims)}
	for i, w := range vocab {
		if i%7 == 0 {
			continue // some words unknown to the table
		}
		v.index[w] = int32(i)
		for d := range dims {
			v.data[i*dims+d] = float32(r.NormFloat64())
		}
	}
	return v
}

// The word-order branch and the risk head: training is deterministic, the
// flat weights agree with spago, and the weights survive the file.
func TestWordOrderBranchIsDeterministicAndAgreesWithSpago(t *testing.T) {
	train := mustRead(t, "data/train.tsv")[:300]
	cfg := DefaultTrainConfig()
	cfg.Buckets, cfg.Epochs, cfg.Conv, cfg.ConvDropout = 1<<12, 2, 8, 0.2
	cfg.RiskHead, cfg.Focal = true, 2
	cfg.vectors = syntheticVectors(train, 6)
	a, err := trainNetwork(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := trainNetwork(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2][]float32{"emb": {a.emb, b.emb}, "w1": {a.w1, b.w1}, "wc": {a.wc, b.wc}, "bc": {a.bc, b.bc}} {
		for i := range pair[0] {
			if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
				t.Fatalf("%s[%d]: %v then %v", name, i, pair[0][i], pair[1][i])
			}
		}
	}
	var moved bool
	for _, v := range a.bc {
		moved = moved || v != 0
	}
	if !moved {
		t.Error("the word-order branch did not train")
	}
	c, err := newClassifier([]*weights{a}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	net := networkFromWeights(a)
	for _, e := range append(train[:50], Example{Text: ""}, Example{Text: "zzzz qqqq"}) {
		words := normaliseTokens(e.Text)
		ids := a.knownIDs(a.features.featureIDs(words, nil))
		if len(ids) == 0 {
			continue
		}
		fast := c.probabilities(words)
		win, rows := windowsOf(a.vec, words, 0, nil, nil)
		logits := net.logits(ids, win, rows).Value().(mat.Matrix).Data().F64()
		for k, p := range probsOf(logits, a.riskHead) {
			if math.Abs(p-fast[k]) > 1e-4 {
				t.Fatalf("%q: label %s: spago %.6f, fast path %.6f", e.Text, Label(k), p, fast[k])
			}
		}
	}
}

func TestWindowsPutEachWordInThreeSlots(t *testing.T) {
	v := &wordVectors{dims: 1, index: map[string]int32{"a": 0, "b": 1, "c": 2}, data: []float32{1, 2, 3}}
	win, n := windowsOf(v, []string{"a", "b", "x", "c"}, 0, nil, nil)
	want := []float32{0, 1, 2, 1, 2, 0, 2, 0, 3, 0, 3, 0}
	if n != 4 || len(win) != len(want) {
		t.Fatalf("%d windows %v", n, win)
	}
	for i := range want {
		if win[i] != want[i] {
			t.Fatalf("windows %v, want %v", win, want)
		}
	}
}

func TestSymmetricEigen(t *testing.T) {
	vals, vecs := symmetricEigen([][]float64{{2, 1}, {1, 2}})
	if math.Abs(vals[0]-3) > 1e-9 || math.Abs(vals[1]-1) > 1e-9 {
		t.Fatalf("eigenvalues %v", vals)
	}
	if math.Abs(vecs[0][0]-vecs[0][1]) > 1e-9 || vecs[0][0] <= 0 {
		t.Fatalf("first eigenvector %v", vecs[0])
	}
}

func TestRiskHeadSurvivesWriteAndLoad(t *testing.T) {
	train := mustRead(t, "data/train.tsv")[:200]
	cfg := DefaultTrainConfig()
	cfg.Buckets, cfg.Epochs, cfg.RiskHead = 1<<12, 1, true
	w, err := trainNetwork(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newClassifier([]*weights{w}, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	again, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !again.models[0].riskHead {
		t.Fatal("risk head lost")
	}
	for _, e := range train[:20] {
		if a, b := c.Classify(e.Text), again.Classify(e.Text); math.Abs(a.RiskProbability-b.RiskProbability) > 1e-3 || a.Label != b.Label {
			t.Errorf("%q: %+v, after round trip %+v", e.Text, a, b)
		}
	}
}
