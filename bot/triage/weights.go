package triage

import (
	"math"
)

// weights are the trained values as flat float32 slices, the form Classify
// computes with (no graph, no allocation per layer).
type weights struct {
	features    featureConfig
	dim, hidden int
	emb         []float32 // rows × dim, row-major (rows: buckets × bags)
	w1, b1      []float32 // hidden × (bags·dim), hidden
	w2, b2      []float32 // labels × hidden, labels
	known       []bool    // buckets seen in training (rows not all zero)
	// The word-order branch (conv.go): conv filters over windows of word
	// vectors from vec; its column max follows the bags in the input.
	conv   int
	wc, bc []float32 // conv × convWidth·vec.dims, conv
	vec    *wordVectors
	// riskHead: w2 and b2 hold one more row, a risk-versus-not score;
	// P(risk) is its sigmoid rather than the softmax's share.
	riskHead bool
}

// outputs is the number of output rows: one per label, plus the risk head.
func (w *weights) outputs() int {
	if w.riskHead {
		return int(numLabels) + 1
	}
	return int(numLabels)
}

// markKnown records which buckets hold a trained row.
func (w *weights) markKnown() {
	w.known = make([]bool, w.features.rows())
	for b := range w.known {
		for _, v := range w.emb[b*w.dim : (b+1)*w.dim] {
			if v != 0 {
				w.known[b] = true
				break
			}
		}
	}
}

// knownIDs keeps the ids of buckets seen in training, in place. Features
// never seen carry no information; averaging them in would only pull every
// unfamiliar message towards the same point, where the biases alone decide.
func (w *weights) knownIDs(ids []int) []int {
	out := ids[:0]
	for _, id := range ids {
		if w.known[id] {
			out = append(out, id)
		}
	}
	return out
}

// inputs is the length of the pooled input: one dim-sized vector per bag.
func (w *weights) inputs() int { return w.dim*max(w.features.Bags, 1) + w.conv }

// probabilities returns the softmax over labels for a message's sorted
// known feature ids, using h (len hidden) and x (len inputs) as scratch
// space; with the word-order branch, x's last conv values must already
// hold the branch's output (convInput). A bag with no ids is the zero
// vector.
func (w *weights) probabilities(ids []int, x, h []float32) [numLabels]float64 {
	for i := range x[:len(x)-w.conv] {
		x[i] = 0
	}
	start := 0
	for b := range max(w.features.Bags, 1) {
		end := start
		for end < len(ids) && w.features.bagOf(ids[end]) == b {
			end++
		}
		xb := x[b*w.dim : (b+1)*w.dim]
		for _, id := range ids[start:end] {
			for i, v := range w.emb[id*w.dim : (id+1)*w.dim] {
				xb[i] += v
			}
		}
		if end > start {
			scale := w.features.Pool.scale(end - start)
			for i := range xb {
				xb[i] *= scale
			}
		}
		start = end
	}
	in := w.inputs()
	for j := 0; j < w.hidden; j++ {
		s := w.b1[j]
		row := w.w1[j*in : (j+1)*in]
		for i, v := range row {
			s += v * x[i]
		}
		h[j] = max(s, 0)
	}
	var out [numLabels]float64
	top := math.Inf(-1)
	for k := range out {
		s := w.b2[k]
		row := w.w2[k*w.hidden : (k+1)*w.hidden]
		for j, v := range row {
			s += v * h[j]
		}
		out[k] = float64(s)
		top = max(top, out[k])
	}
	var sum float64
	for k := range out {
		out[k] = math.Exp(out[k] - top)
		sum += out[k]
	}
	for k := range out {
		out[k] /= sum
	}
	if w.riskHead {
		s := w.b2[numLabels]
		for j, v := range w.w2[int(numLabels)*w.hidden : (int(numLabels)+1)*w.hidden] {
			s += v * h[j]
		}
		out[Risk] = 1 / (1 + math.Exp(-float64(s)))
	}
	return out
}

// riskDirection returns, in u (len inputs), the gradient of the model's
// risk log-odds, log P(risk) − log P(not risk), with respect to the pooled
// input x, at the point h (the hidden activations of the last
// probabilities call) and probs. Feature vector e in bag b then moves the
// log-odds by about scale_b·(u_b·e): its weight in the decision.
func (w *weights) riskDirection(h []float32, probs [numLabels]float64, u []float32) {
	var rest float64
	for k := range probs {
		if Label(k) != Risk {
			rest += probs[k]
		}
	}
	// d log-odds / d logit: 1 for risk, −P(k)/P(not risk) for the others.
	dz := make([]float32, w.outputs())
	for k := range probs {
		if Label(k) == Risk {
			dz[k] = 1
		} else if rest > 0 {
			dz[k] = float32(-probs[k] / rest)
		}
	}
	if w.riskHead { // the log-odds is the head's score itself
		clear(dz)
		dz[numLabels] = 1
	}
	for i := range u {
		u[i] = 0
	}
	in := w.inputs()
	for j := 0; j < w.hidden; j++ {
		if h[j] <= 0 { // ReLU closed: no gradient through this unit
			continue
		}
		var v float32
		for k := range dz {
			v += dz[k] * w.w2[k*w.hidden+j]
		}
		if v == 0 {
			continue
		}
		for i, a := range w.w1[j*in : (j+1)*in] {
			u[i] += v * a
		}
	}
}

// convInput writes the word-order branch's output for words into the last
// w.conv values of x, and each filter's winning window into arg (len
// conv), using win as scratch; it returns win for reuse.
func (w *weights) convInput(words []string, x []float32, arg []int32, win []float32) []float32 {
	if w.conv == 0 {
		return win
	}
	win, n := windowsOf(w.vec, words, 0, nil, win)
	convMax(w.wc, w.bc, win, n, x[len(x)-w.conv:], arg)
	return win
}
