package triage

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"
	"github.com/nlpodyssey/spago/nn/embedding"
)

// The card that records how the embedded model was trained and what it
// scored, written next to the weights by "linkbot triage train".
//
//go:embed model/triage.card.json
var embeddedCard []byte

// EmbeddedCard returns the card of the embedded model.
func EmbeddedCard() (ModelCard, error) {
	var card ModelCard
	if err := json.Unmarshal(embeddedCard, &card); err != nil {
		return card, fmt.Errorf("read embedded model card: %w", err)
	}
	return card, nil
}

// networkFromWeights builds the spago network holding w's values, so the
// graph forward pass can be checked against the flat one.
func networkFromWeights(w *weights) *network {
	n := &network{
		fc:  w.features,
		Emb: embedding.New[float32](w.features.rows(), w.dim),
		W1:  nn.NewParam(mat.NewDense[float32](mat.WithShape(w.hidden, w.inputs()), mat.WithBacking(w.w1))),
		B1:  nn.NewParam(mat.NewDense[float32](mat.WithShape(w.hidden), mat.WithBacking(w.b1))),
		W2:  nn.NewParam(mat.NewDense[float32](mat.WithShape(w.outputs(), w.hidden), mat.WithBacking(w.w2))),
		B2:  nn.NewParam(mat.NewDense[float32](mat.WithShape(w.outputs()), mat.WithBacking(w.b2))),
	}
	for i, p := range n.Emb.Weights {
		copy(p.Data().F32(), w.emb[i*w.dim:(i+1)*w.dim])
	}
	n.riskHead = w.riskHead
	if w.conv > 0 {
		n.conv, n.vec = w.conv, w.vec
		n.Wc = nn.NewParam(mat.NewDense[float32](mat.WithShape(w.conv, convWidth*w.vec.dims), mat.WithBacking(w.wc)))
		n.Bc = nn.NewParam(mat.NewDense[float32](mat.WithShape(w.conv), mat.WithBacking(w.bc)))
	}
	return n
}

// probsOf turns the spago network's outputs into probabilities as the
// fast path does: softmax over the labels, and with a risk head, P(risk)
// the sigmoid of the last output.
func probsOf(logits []float64, riskHead bool) [numLabels]float64 {
	top := math.Inf(-1)
	for _, v := range logits[:numLabels] {
		top = max(top, v)
	}
	var sum float64
	for _, v := range logits[:numLabels] {
		sum += math.Exp(v - top)
	}
	var p [numLabels]float64
	for k, v := range logits[:numLabels] {
		p[k] = math.Exp(v-top) / sum
	}
	if riskHead {
		p[Risk] = 1 / (1 + math.Exp(-logits[numLabels]))
	}
	return p
}

func mustDefault(t testing.TB) *Classifier {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustRead(t testing.TB, path string) []Example {
	t.Helper()
	ex, err := ReadExamplesFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestEmbeddedModelReproducesTheDevScoresRecordedWhenItWasTrained(t *testing.T) {
	card, err := EmbeddedCard()
	if err != nil {
		t.Fatal(err)
	}
	c := mustDefault(t)
	if c.threshold != card.Train.Threshold {
		t.Errorf("threshold in weights %v, in card %v", c.threshold, card.Train.Threshold)
	}
	got := NewModelCard(c, card.Train, mustRead(t, "data/dev.tsv"), mustRead(t, "data/test.tsv"))
	want, _ := json.Marshal(card)
	have, _ := json.Marshal(got)
	if !bytes.Equal(want, have) {
		t.Errorf("dev scores of the embedded model differ from its card\ncard: %s\nnow:  %s", want, have)
	}
	if card.Dev.Examples == 0 || card.Dev.PerLabel["risk"].Support == 0 {
		t.Error("card holds no dev scores")
	}
	if card.Test == nil || card.Test.PerLabel["risk"].Support == 0 {
		t.Error("card holds no test scores")
	}
}

// The binary may grow by 8 MB at most for the model (issue 17); the
// weights are most of it.
func TestEmbeddedWeightsAreAFewMegabytesAtMost(t *testing.T) {
	if n := len(embeddedWeights); n > 8<<20 {
		t.Errorf("embedded weights are %d bytes", n)
	}
}

func TestFastPathAgreesWithTheSpagoForwardPass(t *testing.T) {
	c := mustDefault(t)
	for m, w := range c.models {
		net := networkFromWeights(w)
		for _, e := range mustRead(t, "data/dev.tsv") {
			ids := w.knownIDs(w.features.featureIDs(normaliseTokens(e.Text), nil))
			if len(ids) == 0 {
				continue
			}
			x := make([]float32, w.inputs())
			w.convInput(normaliseTokens(e.Text), x, make([]int32, w.conv), nil)
			fast := w.probabilities(ids, x, make([]float32, w.hidden))
			win, rows := []float32(nil), 0
			if w.conv > 0 {
				win, rows = windowsOf(w.vec, normaliseTokens(e.Text), 0, nil, nil)
			}
			logits := net.logits(ids, win, rows).Value().(mat.Matrix).Data().F64()
			probs := probsOf(logits, w.riskHead)
			for k, p := range probs {
				if math.Abs(p-fast[k]) > 1e-4 {
					t.Fatalf("member %d, %q: label %s: spago %.6f, fast path %.6f", m, e.Text, Label(k), p, fast[k])
				}
			}
		}
	}
}

// An ensemble's probabilities are the mean of its members' (each member
// alone is a classifier of its own).
func TestAnEnsembleAveragesItsMembers(t *testing.T) {
	c := mustDefault(t)
	if len(c.models) < 2 {
		t.Skip("the embedded model is one network")
	}
	for _, e := range mustRead(t, "data/dev.tsv")[:100] {
		var want float64
		for _, w := range c.models {
			one, err := newClassifier([]*weights{w}, c.threshold)
			if err != nil {
				t.Fatal(err)
			}
			want += one.Classify(e.Text).RiskProbability / float64(len(c.models))
		}
		if got := c.Classify(e.Text).RiskProbability; math.Abs(got-want) > 1e-9 {
			t.Fatalf("%q: P(risk) %.6f, mean of the members %.6f", e.Text, got, want)
		}
	}
}

func TestTrainingIsDeterministic(t *testing.T) {
	train := mustRead(t, "data/train.tsv")[:300]
	cfg := DefaultTrainConfig()
	cfg.Buckets, cfg.Epochs = 1<<12, 2
	a, err := trainNetwork(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := trainNetwork(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2][]float32{"emb": {a.emb, b.emb}, "w1": {a.w1, b.w1}, "w2": {a.w2, b.w2}, "b2": {a.b2, b.b2}} {
		for i := range pair[0] {
			if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
				t.Fatalf("%s[%d]: %v then %v", name, i, pair[0][i], pair[1][i])
			}
		}
	}
}

// Members are trained side by side; each must come out as it would alone.
func TestEnsembleTrainingIsDeterministic(t *testing.T) {
	train := mustRead(t, "data/train.tsv")[:300]
	cfg := DefaultTrainConfig()
	cfg.Buckets, cfg.Epochs, cfg.Ensemble = 1<<12, 2, 3
	a, err := trainModels(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := trainModels(train, cfg)
	if err != nil {
		t.Fatal(err)
	}
	one := cfg
	one.Seed += 2
	alone, err := trainNetwork(train, one)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 || len(b) != 3 {
		t.Fatalf("%d and %d members, want 3", len(a), len(b))
	}
	for k := range a {
		for i := range a[k].w1 {
			if math.Float32bits(a[k].w1[i]) != math.Float32bits(b[k].w1[i]) {
				t.Fatalf("member %d w1[%d]: %v then %v", k, i, a[k].w1[i], b[k].w1[i])
			}
		}
	}
	for i := range alone.emb {
		if math.Float32bits(alone.emb[i]) != math.Float32bits(a[2].emb[i]) {
			t.Fatalf("member 2 emb[%d]: %v, trained alone %v", i, a[2].emb[i], alone.emb[i])
		}
	}
	if slices.Equal(a[0].w1, a[1].w1) {
		t.Error("members 0 and 1 are the same network: the seed did not move")
	}
}

func TestAnEnsembleSurvivesWriteAndLoad(t *testing.T) {
	w := mustDefault(t).models[0]
	c, err := newClassifier([]*weights{w, w}, 0.3)
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
	if len(again.models) != 2 || again.threshold != 0.3 || again.fileVersion() != 4 {
		t.Fatalf("%d members, threshold %v, version %d", len(again.models), again.threshold, again.fileVersion())
	}
	for _, s := range []string{"can we move Thursday", "I want to die", "lovely day"} {
		if a, b := c.Classify(s), again.Classify(s); a.RiskProbability != b.RiskProbability || a.Label != b.Label || a.Reason != b.Reason {
			t.Errorf("%q: %+v, after round trip %+v", s, a, b)
		}
	}
}

func TestWeightsSurviveWriteAndLoad(t *testing.T) {
	c := mustDefault(t)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	again, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"can we move Thursday", "I want to die", "lovely day"} {
		if a, b := c.Classify(s), again.Classify(s); a.RiskProbability != b.RiskProbability || a.Label != b.Label {
			t.Errorf("%q: %+v, after round trip %+v", s, a, b)
		}
	}
	if _, err := Load(bytes.NewReader([]byte("not gzip"))); err == nil {
		t.Error("loaded garbage")
	}
}

func TestHalfFloatsRoundTrip(t *testing.T) {
	for _, f := range []float32{0, 1, -1, 0.5, 0.033, -0.25, 1.0 / 3} {
		got := fromHalf(toHalf(f))
		if math.Abs(float64(got-f)) > math.Abs(float64(f))/1000 {
			t.Errorf("%v came back as %v", f, got)
		}
	}
}

func TestEverydayIdiomsAreNotUrgent(t *testing.T) {
	c := mustDefault(t)
	for _, s := range []string{
		"the kids are driving me mad",
		"I nearly died of embarrassment",
		"work is murder this week",
		"I'd kill for a biscuit",
	} {
		if r := c.Classify(s); r.Urgent {
			t.Errorf("%q is urgent (%s, risk probability %.3f)", s, r.Reason, r.RiskProbability)
		}
	}
}

func TestUrgentResultsSayWhy(t *testing.T) {
	c := mustDefault(t)
	r := c.Classify("been stockpiling my meds")
	if !r.Urgent || r.Label != Risk || r.Reason != "stockpiling my meds" || r.Confidence != 1 {
		t.Errorf("rule match: %+v", r)
	}
	for _, e := range mustRead(t, "data/dev.tsv") {
		r := c.Classify(e.Text)
		if r.Urgent != (r.Label == Risk) {
			t.Errorf("%q: urgent %v but label %s", e.Text, r.Urgent, r.Label)
		}
		switch {
		case r.Rule != nil && r.Reason != r.Rule.Phrase:
			t.Errorf("%q: rule %q but reason %q", e.Text, r.Rule.Phrase, r.Reason)
		case r.Urgent && r.Rule == nil && (r.Reason != modelReason(r.Words) || r.RiskProbability < c.threshold):
			t.Errorf("%q: urgent by model but reason %q, probability %.3f", e.Text, r.Reason, r.RiskProbability)
		case r.Urgent && r.Rule == nil:
			words := normaliseTokens(e.Text)
			for _, w := range r.Words {
				if !slices.Contains(words, w) {
					t.Errorf("%q: reason word %q is not in the message", e.Text, w)
				}
			}
		case !r.Urgent && len(r.Words) > 0:
			t.Errorf("%q: not urgent but words %q", e.Text, r.Words)
		case !r.Urgent && r.Reason != "":
			t.Errorf("%q: not urgent but reason %q", e.Text, r.Reason)
		}
		if r.Confidence <= 0 || r.Confidence > 1 {
			t.Errorf("%q: confidence %v", e.Text, r.Confidence)
		}
	}
}

func modelReason(words []string) string {
	if len(words) == 0 {
		return ReasonModel
	}
	return ReasonModel + ": " + strings.Join(words, ", ")
}

// TestModelReasonNamesTheWordsThatWeighed checks that a message made
// urgent by the model names the words that drove it: leaving out the
// heaviest word lowers P(risk) more than leaving out any word it was
// ranked above, for most dev messages (the weights are a first-order
// estimate, so not all).
func TestModelReasonNamesTheWordsThatWeighed(t *testing.T) {
	c := mustDefault(t)
	var urgent, agree int
	for _, e := range mustRead(t, "data/dev.tsv") {
		r := c.Classify(e.Text)
		if !r.Urgent || r.Rule != nil {
			continue
		}
		urgent++
		if len(r.Words) == 0 {
			t.Logf("%q: no word pushed towards risk (P %.3f)", e.Text, r.RiskProbability)
			continue
		}
		words := normaliseTokens(e.Text)
		without := func(drop string) float64 {
			var kept []string
			for _, w := range words {
				if w != drop {
					kept = append(kept, w)
				}
			}
			return c.probabilities(kept)[Risk]
		}
		top := without(r.Words[0])
		ok := true
		for _, w := range words {
			if !slices.Contains(r.Words, w) && !glueWords[w] && without(w) < top-0.05 {
				ok = false
			}
		}
		if ok {
			agree++
		}
	}
	if urgent == 0 {
		t.Fatal("no dev message is urgent by the model alone")
	}
	if share := float64(agree) / float64(urgent); share < 0.8 {
		t.Errorf("the first reason word is the heaviest left-out word for %d of %d model-urgent dev messages", agree, urgent)
	} else {
		t.Logf("the first reason word is (within 0.05) the heaviest to leave out for %d of %d model-urgent dev messages", agree, urgent)
	}
}

func TestClassifyIsSafeForConcurrentUse(t *testing.T) {
	c := mustDefault(t)
	dev := mustRead(t, "data/dev.tsv")
	want := make([]Result, len(dev))
	for i, e := range dev {
		want[i] = c.Classify(e.Text)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(dev))
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, e := range dev {
				if got := c.Classify(e.Text); got.Label != want[i].Label || got.RiskProbability != want[i].RiskProbability {
					errs <- e.Text
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("%q classified differently under concurrency", s)
	}
}

func BenchmarkClassify(b *testing.B) {
	c := mustDefault(b)
	dev := mustRead(b, "data/dev.tsv")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Classify(dev[i%len(dev)].Text)
	}
}

// BenchmarkClassifyUrgentByModel times Classify on the dev messages the
// model alone makes urgent: the ones whose reason names words.
func BenchmarkClassifyUrgentByModel(b *testing.B) {
	c := mustDefault(b)
	var texts []string
	for _, e := range mustRead(b, "data/dev.tsv") {
		if r := c.Classify(e.Text); r.Urgent && r.Rule == nil {
			texts = append(texts, e.Text)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Classify(texts[i%len(texts)])
	}
}
