package triage

import "slices"

// featureConfig says how a message becomes hashed feature ids. It is
// stored in the weights file, so a model is always read with the features
// it was trained on.
type featureConfig struct {
	Buckets  int // number of hash buckets, a power of two
	MinNgram int // shortest character n-gram
	MaxNgram int // longest character n-gram
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
// "<" and ">", sorted. ids is reused when it has room.
func (fc featureConfig) featureIDs(words []string, ids []int) []int {
	ids = ids[:0]
	mask := uint64(fc.Buckets - 1)
	prev, prevConcept := "<s>", "<s>"
	for _, w := range words {
		ids = append(ids, int(hashStrings(kindWord, w, "")&mask))
		ids = append(ids, int(hashStrings(kindBigram, prev, w)&mask))
		c, grouped := conceptWords[w]
		if grouped {
			ids = append(ids, int(hashStrings(kindConcept, c, "")&mask))
		} else {
			c = w
		}
		if grouped || prevConcept != prev {
			ids = append(ids, int(hashStrings(kindConcept, prevConcept, c)&mask))
		}
		prev, prevConcept = w, c
		ids = fc.charNgrams(w, mask, ids)
	}
	ids = append(ids, int(hashStrings(kindBigram, prev, "</s>")&mask))
	if prevConcept != prev {
		ids = append(ids, int(hashStrings(kindConcept, prevConcept, "</s>")&mask))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
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
	for size := max(fc.MinNgram, 1); fc.MinNgram > 0 && size <= fc.MaxNgram; size++ {
		for start := 0; start+size <= n; start++ {
			h := uint64(fnvOffset)
			h = (h ^ uint64(kindChar)) * fnvPrime
			for i := start; i < start+size; i++ {
				h = (h ^ uint64(at(i))) * fnvPrime
			}
			ids = append(ids, int(h&mask))
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
