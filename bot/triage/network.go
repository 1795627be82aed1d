package triage

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/initializers"
	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/mat/rand"
	"github.com/nlpodyssey/spago/nn"
	"github.com/nlpodyssey/spago/nn/embedding"
)

// network is the classifier as a spago model: one embedding bag per
// feature family over hashed features (the feature vectors pooled as
// featureConfig.Pool says), the bags concatenated, one hidden ReLU layer and
// a linear layer to one score per label; softmax turns scores into
// probabilities. Training runs through it; Classify runs the same sums on
// flat weights (see weights).
type network struct {
	nn.Module
	Emb    *embedding.Model
	W1, B1 *nn.Param // hidden × (bags·dim), hidden
	W2, B2 *nn.Param // labels × hidden, labels
	// The word-order branch (conv.go), when conv > 0: filters ×
	// convWidth·vector dims, filters.
	Wc, Bc *nn.Param
	conv   int
	// riskHead adds one more output row: a risk-versus-not score trained
	// on its own (train.go), whose sigmoid is P(risk).
	riskHead bool
	vec      *wordVectors
	fc       featureConfig
}

// newNetwork returns a network with weights drawn from a generator seeded
// with seed: feature vectors uniform in ±1/dim, layers Xavier-uniform,
// biases zero.
func newNetwork(fc featureConfig, dim, hidden, conv int, vec *wordVectors, riskHead bool, seed uint64) *network {
	r := rand.NewLockedRand(seed)
	outs := int(numLabels)
	if riskHead {
		outs++
	}
	n := &network{
		fc:       fc,
		riskHead: riskHead,
		conv:     conv,
		vec:      vec,
		Emb:      embedding.New[float32](fc.rows(), dim),
		W1:       nn.NewParam(mat.NewDense[float32](mat.WithShape(hidden, dim*max(fc.Bags, 1)+conv))),
		B1:       nn.NewParam(mat.NewDense[float32](mat.WithShape(hidden))),
		W2:       nn.NewParam(mat.NewDense[float32](mat.WithShape(outs, hidden))),
		B2:       nn.NewParam(mat.NewDense[float32](mat.WithShape(outs))),
	}
	for _, p := range n.Emb.Weights {
		initializers.Uniform(p, -1/float64(dim), 1/float64(dim), r)
	}
	initializers.XavierUniform(n.W1, 1, r)
	initializers.XavierUniform(n.W2, 1, r)
	if conv > 0 {
		n.Wc = nn.NewParam(mat.NewDense[float32](mat.WithShape(conv, convWidth*vec.dims)))
		n.Bc = nn.NewParam(mat.NewDense[float32](mat.WithShape(conv)))
		initializers.XavierUniform(n.Wc, 1, r)
	}
	return n
}

// logits runs the forward pass for one message's sorted feature ids (at
// least one) and, with the word-order branch, its windows (rows of them),
// and returns the label scores, recording the graph for ag.Backward. A
// bag with no ids is the zero vector.
func (n *network) logits(ids []int, win []float32, rows int) mat.Tensor {
	bags := max(n.fc.Bags, 1)
	xs := make([]mat.Tensor, bags)
	start := 0
	for b := range bags {
		end := start
		for end < len(ids) && n.fc.bagOf(ids[end]) == b {
			end++
		}
		xs[b] = n.pool(ids[start:end])
		start = end
	}
	if n.conv > 0 {
		xs = append(xs, n.convNode(win, rows))
	}
	x := xs[0]
	if len(xs) > 1 {
		x = ag.Concat(xs...)
	}
	h := ag.ReLU(ag.Affine(n.B1, n.W1, x))
	return ag.Affine(n.B2, n.W2, h)
}

// pool joins the feature vectors of one bag.
func (n *network) pool(ids []int) mat.Tensor {
	if len(ids) == 0 {
		return mat.NewDense[float32](mat.WithShape(n.Emb.Dim))
	}
	vecs := n.Emb.MustEncode(ids)
	if len(vecs) == 1 { // every pooling scales one vector by 1
		return vecs[0]
	}
	scale := make([]float32, len(vecs))
	for i := range scale {
		scale[i] = n.fc.Pool.scale(len(vecs))
	}
	return ag.Mul(ag.T(ag.Stack(vecs...)), mat.NewDense[float32](mat.WithBacking(scale)))
}

// weightsOf copies the network's values into flat weights. Rows of the
// embedding no training example touched are written as zeros: they were
// never trained, and zeros keep the file small.
func (n *network) weightsOf(fc featureConfig, touched map[int]bool) *weights {
	dim := n.Emb.Dim
	w := &weights{
		features: fc,
		dim:      dim,
		hidden:   n.B1.Shape()[0],
		emb:      make([]float32, fc.rows()*dim),
		w1:       append([]float32(nil), n.W1.Data().F32()...),
		b1:       append([]float32(nil), n.B1.Data().F32()...),
		w2:       append([]float32(nil), n.W2.Data().F32()...),
		b2:       append([]float32(nil), n.B2.Data().F32()...),
		conv:     n.conv,
		vec:      n.vec,
		riskHead: n.riskHead,
	}
	if n.conv > 0 {
		w.wc = append([]float32(nil), n.Wc.Data().F32()...)
		w.bc = append([]float32(nil), n.Bc.Data().F32()...)
	}
	for id := range touched {
		copy(w.emb[id*dim:(id+1)*dim], n.Emb.Weights[id].Data().F32())
	}
	return w
}
