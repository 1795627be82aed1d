package triage

import (
	"fmt"
	"math"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"
	"github.com/nlpodyssey/spago/optimizers/adam"
)

// TrainConfig holds the hyperparameters of training. DefaultTrainConfig is
// what the embedded weights were trained with.
type TrainConfig struct {
	Buckets    int     // hash buckets per bag, a power of two
	MinNgram   int     // shortest character n-gram
	MaxNgram   int     // longest character n-gram
	Bags       int     // 1: one embedding bag; 2: word-level features and character n-grams in separate bags, concatenated
	Pool       string  // how a bag's vectors are joined: "mean", "sqrt" (sum / √n) or "sum"
	Dim        int     // size of a feature vector
	Hidden     int     // size of the hidden layer
	Epochs     int     // passes over the training set
	Batch      int     // examples per Adam step
	StepSize   float64 // Adam's step size
	Decay2Zero bool    // lower the step size linearly to zero over training
	RiskWeight float64 // loss weight of risk examples (others weigh 1)
	Dropout    float64 // chance of leaving out each feature of an example in training
	Decay      float64 // AdamW weight decay (0: plain Adam)
	Seed       uint64  // seeds the initial weights and the example order
	// Conv is the number of filters of the word-order branch over
	// pretrained word vectors (conv.go); 0 leaves the branch out.
	Conv int
	// ConvDropout is the chance of leaving out each word's vector in the
	// word-order branch in training.
	ConvDropout float64
	// RiskHead adds a risk-versus-not output beside the labels, trained
	// with a logistic loss (risk examples weighted RiskWeight), focal with
	// exponent Focal when Focal > 0; P(risk) is its sigmoid.
	RiskHead bool
	Focal    float64
	// Ensemble is the number of networks trained, with seeds Seed,
	// Seed+1, …, whose probabilities are averaged; 0 or 1: one.
	Ensemble int

	vectors *wordVectors // the table for the word-order branch; nil: trainingVectors
}

// DefaultTrainConfig returns the configuration of the embedded model.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{
		Buckets:    1 << 15,
		MinNgram:   3,
		MaxNgram:   4,
		Bags:       2,
		Pool:       "mean",
		Dim:        32,
		Hidden:     32,
		Epochs:     8,
		Batch:      8,
		StepSize:   0.01,
		Decay2Zero: true,
		RiskWeight: 2,
		Dropout:    0.5,
		Seed:       20261123,
		Ensemble:   1,
	}
}

// members is the number of networks the configuration trains.
func (c TrainConfig) members() int { return max(c.Ensemble, 1) }

// trainModels trains the configuration's members on examples, member k
// with seed Seed+k, several at once (as many as GOMAXPROCS). Each member
// is trained as trainNetwork trains one, so the result is the same
// whatever order they finish in.
func trainModels(examples []Example, cfg TrainConfig) ([]*weights, error) {
	n := cfg.members()
	models := make([]*weights, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(1, min(n, runtime.GOMAXPROCS(0))))
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := cfg
			c.Seed += uint64(k)
			models[k], errs[k] = trainNetwork(examples, c)
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("member %d: %w", k, err)
		}
	}
	return models, nil
}

func (c TrainConfig) features() featureConfig {
	return featureConfig{Buckets: c.Buckets, MinNgram: c.MinNgram, MaxNgram: c.MaxNgram, Bags: max(c.Bags, 1), Pool: poolings[c.Pool]}
}

var poolings = map[string]pooling{"": poolMean, "mean": poolMean, "sqrt": poolSqrt, "sum": poolSum}

func (c TrainConfig) validate() error {
	if c.Buckets <= 0 || c.Buckets&(c.Buckets-1) != 0 {
		return fmt.Errorf("buckets %d is not a power of two", c.Buckets)
	}
	if c.MinNgram < 0 || c.MaxNgram < c.MinNgram || (c.MinNgram == 0 && c.MaxNgram != 0) {
		return fmt.Errorf("bad n-gram range %d..%d", c.MinNgram, c.MaxNgram)
	}
	if c.Bags < 0 || c.Bags > 2 {
		return fmt.Errorf("bags %d is not 1 or 2", c.Bags)
	}
	if _, ok := poolings[c.Pool]; !ok {
		return fmt.Errorf("unknown pooling %q", c.Pool)
	}
	if c.Ensemble < 0 || c.Ensemble > maxMembers {
		return fmt.Errorf("ensemble of %d", c.Ensemble)
	}
	if c.Conv < 0 || c.ConvDropout < 0 || c.ConvDropout >= 1 {
		return fmt.Errorf("conv %d, conv dropout %v", c.Conv, c.ConvDropout)
	}
	if c.Dim < 1 || c.Hidden < 1 || c.Epochs < 1 || c.Batch < 1 || c.StepSize <= 0 {
		return fmt.Errorf("dim, hidden, epochs, batch and step size must be positive")
	}
	return nil
}

// trainNetwork trains a spago network on examples with Adam and returns its
// weights. Runs are deterministic: the same examples and configuration give
// the same weights, bit for bit. Each example's feature ids are distinct, so
// every parameter receives at most one gradient per example and the order
// in which spago's backward goroutines finish cannot change a sum; examples
// are processed one after another in an order drawn from the seed. For the
// same reason the loss is not built as a spago graph: in
// losses.CrossEntropy the logits feed three nodes whose gradients arrive
// in any order, and float addition is not associative. Its gradient,
// softmax minus the one-hot label, is set on the logits node and spago
// back-propagates from there.
func trainNetwork(examples []Example, cfg TrainConfig) (*weights, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if len(examples) == 0 {
		return nil, fmt.Errorf("no training examples")
	}
	fc := cfg.features()
	ids := make([][]int, len(examples))
	touched := map[int]bool{}
	for i, e := range examples {
		ids[i] = fc.featureIDs(normaliseTokens(e.Text), nil)
		for _, id := range ids[i] {
			touched[id] = true
		}
	}

	vec := cfg.vectors
	if cfg.Conv > 0 && vec == nil {
		var err error
		if vec, err = trainingVectors(); err != nil {
			return nil, err
		}
	}
	words := make([][]string, len(examples))
	for i, e := range examples {
		words[i] = normaliseTokens(e.Text)
	}
	net := newNetwork(fc, cfg.Dim, cfg.Hidden, cfg.Conv, vec, cfg.RiskHead, cfg.Seed)
	strategy := adam.New(adam.NewAdamWConfig(cfg.StepSize, 0.9, 0.999, 1e-8, cfg.Decay))
	dense := []*nn.Param{net.W1, net.B1, net.W2, net.B2}
	if cfg.Conv > 0 {
		dense = append(dense, net.Wc, net.Bc)
	}
	var win []float32
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	shuffle := mrand.New(mrand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))

	var kept []int
	steps := cfg.Epochs * ((len(order) + cfg.Batch - 1) / cfg.Batch)
	step := 0
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for start := 0; start < len(order); start += cfg.Batch {
			batch := order[start:min(start+cfg.Batch, len(order))]
			var rows []int
			for _, i := range batch {
				kept = dropFeatures(ids[i], cfg.Dropout, shuffle, kept)
				nwin := 0
				if cfg.Conv > 0 {
					win, nwin = windowsOf(vec, words[i], cfg.ConvDropout, shuffle, win)
				}
				logits := net.logits(kept, win, nwin)
				weight := 1.0
				if examples[i].Label == Risk {
					weight = cfg.RiskWeight
				}
				out := logits.Value().(mat.Matrix).Data().F64()
				var g mat.Matrix
				if cfg.RiskHead {
					g = headGrad(out, examples[i].Label, weight, cfg.Focal)
				} else {
					g = crossEntropyGrad(out, examples[i].Label, weight)
				}
				logits.AccGrad(g)
				if err := ag.Backward(logits); err != nil {
					return nil, fmt.Errorf("backward: %w", err)
				}
				rows = append(rows, kept...)
			}
			slices.Sort(rows)
			params := append([]*nn.Param(nil), dense...)
			for _, id := range slices.Compact(rows) {
				params = append(params, net.Emb.Weights[id])
			}
			// spago's optimizers.Optimizer.Optimize (v1.1.0) returns before
			// its per-parameter goroutines finish, so the next batch would
			// race with the update. Step each parameter with spago's Adam
			// here instead, one after another.
			for _, p := range params {
				if !p.HasGrad() {
					continue
				}
				if err := strategy.OptimizeParams(p); err != nil {
					return nil, fmt.Errorf("adam step: %w", err)
				}
			}
			step++
			if cfg.Decay2Zero {
				strategy.StepSize = cfg.StepSize * float64(steps-step) / float64(steps)
			}
			strategy.IncExample()
			net.Emb.ZeroGrad()
		}
	}
	return net.weightsOf(fc, touched), nil
}

// dropFeatures returns ids with each left out with chance p, keeping at
// least one, drawn from r (so training stays deterministic). Leaving
// features out keeps the model from leaning on one word of a short message.
func dropFeatures(ids []int, p float64, r *mrand.Rand, kept []int) []int {
	kept = kept[:0]
	if p <= 0 {
		return append(kept, ids...)
	}
	for _, id := range ids {
		if r.Float64() >= p {
			kept = append(kept, id)
		}
	}
	if len(kept) == 0 {
		kept = append(kept, ids[r.IntN(len(ids))])
	}
	return kept
}

// crossEntropyGrad returns the gradient of the weighted softmax
// cross-entropy loss with respect to the logits: weight·(softmax − onehot).
func crossEntropyGrad(logits []float64, gold Label, weight float64) mat.Matrix {
	top := math.Inf(-1)
	for _, v := range logits {
		top = max(top, v)
	}
	g := make([]float32, len(logits))
	var sum float64
	for _, v := range logits {
		sum += math.Exp(v - top)
	}
	for k, v := range logits {
		p := math.Exp(v-top) / sum
		if Label(k) == gold {
			p--
		}
		g[k] = float32(weight * p)
	}
	return mat.NewDense[float32](mat.WithBacking(g))
}

// headGrad is the gradient for a network with a risk head: the softmax
// cross-entropy over the labels (unweighted) on the first numLabels
// outputs, and on the last the logistic loss of risk versus not, risk
// examples weighted w; with focal > 0 the focal loss
// −(1−p_t)^focal·log p_t, which weighs examples already ranked right less.
func headGrad(out []float64, gold Label, w, focal float64) mat.Matrix {
	g := crossEntropyGrad(out[:numLabels], gold, 1)
	p := 1 / (1 + math.Exp(-out[numLabels]))
	y, weight := 0.0, 1.0
	if gold == Risk {
		y, weight = 1, w
	}
	var d float64
	if focal <= 0 {
		d = p - y
	} else {
		pt, sign := p, 1.0
		if y == 0 {
			pt, sign = 1-p, -1
		}
		pt = max(pt, 1e-12)
		d = sign * math.Pow(1-pt, focal) * (focal*pt*math.Log(pt) - (1 - pt))
	}
	return mat.NewDense[float32](mat.WithBacking(append(g.Data().F32(), float32(weight*d))))
}
