package triage

import (
	"math"
)

// weights are the trained values as flat float32 slices, the form Classify
// computes with (no graph, no allocation per layer).
type weights struct {
	features    featureConfig
	dim, hidden int
	emb         []float32 // buckets × dim, row-major
	w1, b1      []float32 // hidden × dim, hidden
	w2, b2      []float32 // labels × hidden, labels
	known       []bool    // buckets seen in training (rows not all zero)
}

// markKnown records which buckets hold a trained row.
func (w *weights) markKnown() {
	w.known = make([]bool, w.features.Buckets)
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

// probabilities returns the softmax over labels for a message's known
// feature ids, using h (len hidden) and x (len dim) as scratch space. With
// no ids the embedding bag is the zero vector.
func (w *weights) probabilities(ids []int, x, h []float32) [numLabels]float64 {
	for i := range x {
		x[i] = 0
	}
	for _, id := range ids {
		row := w.emb[id*w.dim : (id+1)*w.dim]
		for i, v := range row {
			x[i] += v
		}
	}
	if len(ids) > 0 {
		inv := 1 / float32(len(ids))
		for i := range x {
			x[i] *= inv
		}
	}
	for j := 0; j < w.hidden; j++ {
		s := w.b1[j]
		row := w.w1[j*w.dim : (j+1)*w.dim]
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
	return out
}
