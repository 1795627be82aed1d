package triage

import (
	"math"
	mrand "math/rand/v2"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// The word-order branch: each word's pretrained vector (vectors.go; a word
// the table does not know is the zero vector), every window of convWidth
// words in a row (zero vectors past either end) multiplied by one filter
// matrix plus a bias, and for each filter the largest value over the
// message's windows. So "last time" and "time last" differ, and a filter
// that fires on "end it all" fires on "end things all" too, as far as the
// vectors put "it" near "things".
//
// spago v1.1.0's ag.MaxPooling is wrong for non-square windows and
// negative inputs, so the column max is taken outside the graph: the
// window that wins each filter is found on the current weights, and the
// graph computes only the winners, row c of the window matrix times row c
// of the filter matrix. The gradient of a max is the gradient of its
// winner, so this is exact, and each parameter still gets one gradient per
// example, which keeps training deterministic.
const convWidth = 3

// windowsOf returns the message's windows, one row of convWidth·dims
// values each, row-major, and their count (one per word). With drop set,
// each word's vector is left out (zero) with chance drop, drawn from r.
func windowsOf(vec *wordVectors, words []string, drop float64, r *mrand.Rand, buf []float32) ([]float32, int) {
	d := vec.dims
	n := len(words)
	width := convWidth * d
	buf = append(buf[:0], make([]float32, n*width)...)
	for t, w := range words {
		v := vec.vector(w)
		if v == nil || (drop > 0 && r.Float64() < drop) {
			continue
		}
		// Word t sits at slot k of the window centred on t+1-k.
		for k := range convWidth {
			centre := t + convWidth/2 - k
			if centre < 0 || centre >= n {
				continue
			}
			copy(buf[centre*width+k*d:centre*width+(k+1)*d], v)
		}
	}
	return buf, n
}

// convMax writes, for each filter c, the largest bias + filter·window over
// the n windows to out[c] and the winning window to arg[c] (the first on a
// tie). With no windows, out is zero and arg −1.
func convMax(wc, bc []float32, x []float32, n int, out []float32, arg []int32) {
	width := len(wc) / len(bc)
	for c := range bc {
		best, at := float32(math.Inf(-1)), int32(-1)
		row := wc[c*width : (c+1)*width]
		for t := range n {
			s := bc[c]
			for i, v := range x[t*width : (t+1)*width] {
				s += row[i] * v
			}
			if s > best {
				best, at = s, int32(t)
			}
		}
		if at < 0 {
			best = 0
		}
		out[c], arg[c] = best, at
	}
}

// convNode returns the branch's output for windows x (n rows) as a graph
// node: the winners found on the current weights, then bias + a row-wise
// dot product of the winners with the filters.
func (n *network) convNode(x []float32, rows int) mat.Tensor {
	filters := n.Bc.Shape()[0]
	if rows == 0 {
		return mat.NewDense[float32](mat.WithShape(filters))
	}
	wc := n.Wc.Value().(mat.Matrix).Data().F32()
	bc := n.Bc.Value().(mat.Matrix).Data().F32()
	out := make([]float32, filters)
	arg := make([]int32, filters)
	convMax(wc, bc, x, rows, out, arg)
	width := len(wc) / filters
	win := make([]float32, filters*width)
	for c, t := range arg {
		copy(win[c*width:(c+1)*width], x[int(t)*width:(int(t)+1)*width])
	}
	s := mat.NewDense[float32](mat.WithShape(filters, width), mat.WithBacking(win))
	ones := make([]float32, width)
	for i := range ones {
		ones[i] = 1
	}
	dot := ag.Mul(ag.Prod(s, n.Wc), mat.NewDense[float32](mat.WithShape(width), mat.WithBacking(ones)))
	return ag.Add(dot, n.Bc)
}
