package triage

import (
	"math"
	"slices"
)

// featureConfig says how a message becomes hashed feature ids. It is
// stored in the weights file, so a model is always read with the features
// it was trained on.
type featureConfig struct {
	Buckets  int // number of hash buckets per bag, a power of two
	MinNgram int // shortest character n-gram
	MaxNgram int // longest character n-gram
	// Bags is 1 (every feature in one bag) or 2 (word-level features —
	// words, bigrams, concepts — in bag 0, character n-grams in bag 1, each
	// with its own Buckets rows, ids of bag 1 offset by Buckets).
	Bags int
	Pool pooling // how a bag's feature vectors are joined into one
}

// rows is the number of embedding rows the features index.
func (fc featureConfig) rows() int { return fc.Buckets * max(fc.Bags, 1) }

// pooling says how the feature vectors of a bag become one vector.
type pooling int

// The poolings: the mean, the sum divided by the square root of the count,
// and the plain sum.
const (
	poolMean pooling = iota
	poolSqrt
	poolSum
)

// scale is the factor each of n vectors is multiplied by before summing.
func (p pooling) scale(n int) float32 {
	switch p {
	case poolSqrt:
		return float32(1 / math.Sqrt(float64(n)))
	case poolSum:
		return 1
	default:
		return 1 / float32(n)
	}
}

// bagOf returns which bag a feature id belongs to.
func (fc featureConfig) bagOf(id int) int {
	if fc.Bags <= 1 {
		return 0
	}
	return id / fc.Buckets
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Feature kinds, hashed in first so a word and an n-gram with the same
// letters land in different buckets.
const (
	kindWord    = 'w'
	kindBigram  = 'b'
	kindChar    = 'c'
	kindConcept = 'k'
)

// featureIDs returns the distinct bucket ids of a message's words, word
// bigrams (with start and end markers), concept groups and pairs holding a
// group (see concepts.go), and character n-grams of each word wrapped in
// "<" and ">" (in bag 1 when there are two bags), sorted, so the ids of
// bag 0 come first. ids is reused when it has room.
func (fc featureConfig) featureIDs(words []string, ids []int) []int {
	ids, _ = fc.appendFeatures(words, ids[:0], nil, false)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// featureOwner ties one feature occurrence to the word (or the two words,
// for a pair) that made it; Second is -1 for a feature of one word.
type featureOwner struct {
	First, Second int32
}

// appendFeatures appends the hashed feature ids of words, unsorted and
// with repeats, to ids. With track set it also appends, for each id, the
// index of the word or words it came from to owners (parallel to ids).
func (fc featureConfig) appendFeatures(words []string, ids []int, owners []featureOwner, track bool) ([]int, []featureOwner) {
	mask := uint64(fc.Buckets - 1)
	own := func(a, b int) {
		if track {
			for len(owners) < len(ids) {
				owners = append(owners, featureOwner{int32(a), int32(b)})
			}
		}
	}
	prev, prevConcept := "<s>", "<s>"
	for i, w := range words {
		ids = append(ids, int(hashStrings(kindWord, w, "")&mask))
		own(i, -1)
		ids = append(ids, int(hashStrings(kindBigram, prev, w)&mask))
		if i > 0 {
			own(i-1, i)
		} else {
			own(i, -1)
		}
		c, grouped := conceptWords[w]
		if grouped {
			ids = append(ids, int(hashStrings(kindConcept, c, "")&mask))
			own(i, -1)
		} else {
			c = w
		}
		if grouped || prevConcept != prev {
			ids = append(ids, int(hashStrings(kindConcept, prevConcept, c)&mask))
			if i > 0 {
				own(i-1, i)
			} else {
				own(i, -1)
			}
		}
		prev, prevConcept = w, c
		ids = fc.charNgrams(w, mask, ids)
		own(i, -1)
	}
	if len(words) > 0 {
		last := len(words) - 1
		ids = append(ids, int(hashStrings(kindBigram, prev, "</s>")&mask))
		own(last, -1)
		if prevConcept != prev {
			ids = append(ids, int(hashStrings(kindConcept, prevConcept, "</s>")&mask))
			own(last, -1)
		}
	} else {
		ids = append(ids, int(hashStrings(kindBigram, prev, "</s>")&mask))
	}
	return ids, owners
}

// charNgrams appends the hashed byte n-grams of "<"+w+">".
func (fc featureConfig) charNgrams(w string, mask uint64, ids []int) []int {
	n := len(w) + 2
	at := func(i int) byte {
		switch {
		case i == 0:
			return '<'
		case i == n-1:
			return '>'
		default:
			return w[i-1]
		}
	}
	offset := 0
	if fc.Bags > 1 {
		offset = fc.Buckets
	}
	for size := max(fc.MinNgram, 1); fc.MinNgram > 0 && size <= fc.MaxNgram; size++ {
		for start := 0; start+size <= n; start++ {
			h := uint64(fnvOffset)
			h = (h ^ uint64(kindChar)) * fnvPrime
			for i := start; i < start+size; i++ {
				h = (h ^ uint64(at(i))) * fnvPrime
			}
			ids = append(ids, offset+int(h&mask))
		}
	}
	return ids
}

// hashStrings is FNV-1a over a kind byte and two strings with a separator.
func hashStrings(kind byte, a, b string) uint64 {
	h := uint64(fnvOffset)
	h = (h ^ uint64(kind)) * fnvPrime
	for i := 0; i < len(a); i++ {
		h = (h ^ uint64(a[i])) * fnvPrime
	}
	h = (h ^ ' ') * fnvPrime
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * fnvPrime
	}
	return h
}
