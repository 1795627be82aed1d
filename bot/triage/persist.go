package triage

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// The weights file, version 2: gzip around little-endian binary
//
//	magic    [8]byte  "LBTRIAGE"
//	version  uint32   2
//	buckets, minNgram, maxNgram, dim, hidden, labels  uint32
//	bags, pooling  uint32   (absent in version 1: one bag, mean)
//	threshold float64
//	conv, vdims uint32, vsum uint64   version 3 only: filters of the
//	                  word-order branch, the vector table's dims and checksum
//	riskHead uint32   version 3 only: 1 when w2 and b2 hold one more row,
//	                  the risk-versus-not score
//	w1 (hidden×inputs), b1 (hidden), w2 (labels×hidden), b2 (labels)  float32
//	                  (inputs: bags·dim + conv)
//	wc (conv×3·vdims), bc (conv)  float32, version 3 only
//	rows     uint32   embedding rows that follow (the others are zero)
//	rows × { row uint32; dim × float16 }
//
// Feature vectors are stored as IEEE half floats (round to nearest even),
// which halves the file; training writes, then reads back, and scores the
// read-back model, so every recorded figure is the figure of the file.
// A model without the word-order branch is written as version 2. A model
// with it needs the word vector table it was trained with
// (model/vectors.bin.gz): loading checks the table's checksum.
//
// Version 4 holds an ensemble, several members whose probabilities are
// averaged:
//
//	magic    [8]byte  "LBTRIAGE"
//	version  uint32   4
//	members  uint32
//	members × { everything of version 3 after its version field }
const (
	fileMagic   = "LBTRIAGE"
	fileVersion = 4
)

// WriteTo writes the classifier's weights and threshold in the format
// above.
func (c *Classifier) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw, err := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(zw)
	put := func(v any) {
		if err == nil {
			err = binary.Write(bw, binary.LittleEndian, v)
		}
	}
	version := c.fileVersion()
	put([]byte(fileMagic))
	put(uint32(version))
	if version == 4 {
		put(uint32(len(c.models)))
		for _, m := range c.models {
			writeMember(put, m, c.threshold, 3)
		}
	} else {
		writeMember(put, c.models[0], c.threshold, version)
	}
	if err != nil {
		return cw.n, fmt.Errorf("write triage weights: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write triage weights: %w", err)
	}
	if err := zw.Close(); err != nil {
		return cw.n, fmt.Errorf("write triage weights: %w", err)
	}
	return cw.n, nil
}

// writeMember writes one network's part of the file, as version says.
func writeMember(put func(any), m *weights, threshold float64, version int) {
	for _, v := range []int{m.features.Buckets, m.features.MinNgram, m.features.MaxNgram, m.dim, m.hidden, int(numLabels)} {
		put(uint32(v))
	}
	put(uint32(max(m.features.Bags, 1)))
	put(uint32(m.features.Pool))
	put(threshold)
	if version >= 3 {
		put(uint32(m.conv))
		var vdims int
		var vsum uint64
		if m.conv > 0 {
			vdims, vsum = m.vec.dims, m.vec.sum
		}
		put(uint32(vdims))
		put(vsum)
		put(uint32(boolInt(m.riskHead)))
	}
	put(m.w1)
	put(m.b1)
	put(m.w2)
	put(m.b2)
	if version >= 3 {
		put(m.wc)
		put(m.bc)
	}
	var rows []uint32
	for b := 0; b < m.features.rows(); b++ {
		for _, v := range m.emb[b*m.dim : (b+1)*m.dim] {
			if v != 0 {
				rows = append(rows, uint32(b))
				break
			}
		}
	}
	put(uint32(len(rows)))
	half := make([]uint16, m.dim)
	for _, b := range rows {
		put(b)
		for i, v := range m.emb[int(b)*m.dim : (int(b)+1)*m.dim] {
			half[i] = toHalf(v)
		}
		put(half)
	}
}

// fileVersion is the version WriteTo writes c in: 4 for an ensemble, 3
// for one network with the word-order branch or the risk head, else 2.
func (c *Classifier) fileVersion() int {
	w := c.models[0]
	switch {
	case len(c.models) > 1:
		return 4
	case w.conv > 0 || w.riskHead:
		return 3
	}
	return 2
}

// maxMembers bounds the members a file may hold.
const maxMembers = 64

// Load reads a classifier written by WriteTo.
func Load(r io.Reader) (*Classifier, error) {
	models, threshold, err := readWeights(r)
	if err != nil {
		return nil, fmt.Errorf("read triage weights: %w", err)
	}
	return newClassifier(models, threshold)
}

func readWeights(r io.Reader) ([]*weights, float64, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, 0, err
	}
	br := bufio.NewReader(zr)
	get := func(v any) {
		if err == nil {
			err = binary.Read(br, binary.LittleEndian, v)
		}
	}
	magic := make([]byte, len(fileMagic))
	get(magic)
	var version uint32
	get(&version)
	if err != nil {
		return nil, 0, err
	}
	if string(magic) != fileMagic {
		return nil, 0, errors.New("not a triage weights file")
	}
	if version < 1 || version > fileVersion {
		return nil, 0, fmt.Errorf("weights file version %d, this build reads 1 to %d", version, fileVersion)
	}
	members := uint32(1)
	if version == 4 {
		get(&members)
		version = 3
		if err == nil && (members < 1 || members > maxMembers) {
			return nil, 0, fmt.Errorf("%d members", members)
		}
	}
	var models []*weights
	var threshold float64
	for range members {
		w, t, err := readMember(br, version)
		if err != nil {
			return nil, 0, err
		}
		models, threshold = append(models, w), t
	}
	return models, threshold, nil
}

// readMember reads one network's part of the file, as version says.
func readMember(br io.Reader, version uint32) (*weights, float64, error) {
	var err error
	get := func(v any) {
		if err == nil {
			err = binary.Read(br, binary.LittleEndian, v)
		}
	}
	var hdr [6]uint32
	get(&hdr)
	bagsPool := [2]uint32{1, uint32(poolMean)}
	if version >= 2 {
		get(&bagsPool)
	}
	var threshold float64
	get(&threshold)
	var convHdr [2]uint32
	var vsum uint64
	var head uint32
	if version >= 3 {
		get(&convHdr)
		get(&vsum)
		get(&head)
	}
	if err != nil {
		return nil, 0, err
	}
	buckets, dim, hidden, bags := int(hdr[0]), int(hdr[3]), int(hdr[4]), int(bagsPool[0])
	conv, vdims := int(convHdr[0]), int(convHdr[1])
	if int(hdr[5]) != int(numLabels) {
		return nil, 0, fmt.Errorf("weights have %d labels, this build has %d", hdr[5], numLabels)
	}
	if buckets <= 0 || buckets&(buckets-1) != 0 || buckets > 1<<22 || dim <= 0 || dim > 1024 || hidden <= 0 || hidden > 1024 ||
		bags < 1 || bags > 2 || bagsPool[1] > uint32(poolSum) || conv > 1024 || vdims > 512 {
		return nil, 0, fmt.Errorf("implausible shape: %d buckets, %d bags, pooling %d, dim %d, hidden %d, conv %d×%d", buckets, bags, bagsPool[1], dim, hidden, conv, vdims)
	}
	fc := featureConfig{Buckets: buckets, MinNgram: int(hdr[1]), MaxNgram: int(hdr[2]), Bags: bags, Pool: pooling(bagsPool[1])}
	w := &weights{
		features: fc,
		dim:      dim,
		hidden:   hidden,
		emb:      make([]float32, fc.rows()*dim),
		w1:       make([]float32, hidden*(dim*bags+conv)),
		b1:       make([]float32, hidden),
		conv:     conv,
		riskHead: head == 1,
	}
	w.w2 = make([]float32, w.outputs()*hidden)
	w.b2 = make([]float32, w.outputs())
	get(w.w1)
	get(w.b1)
	get(w.w2)
	get(w.b2)
	if conv > 0 {
		vec, verr := trainingVectors()
		if verr != nil {
			return nil, 0, fmt.Errorf("the model reads word vectors: %w", verr)
		}
		if vec.dims != vdims || vec.sum != vsum {
			return nil, 0, fmt.Errorf("the model was trained with another word vector table (%d dims, checksum %x; this one %d, %x)", vdims, vsum, vec.dims, vec.sum)
		}
		w.vec = vec
		w.wc = make([]float32, conv*convWidth*vdims)
		w.bc = make([]float32, conv)
		get(w.wc)
		get(w.bc)
	}
	var rows uint32
	get(&rows)
	if err != nil {
		return nil, 0, err
	}
	if int(rows) > fc.rows() {
		return nil, 0, fmt.Errorf("%d rows for %d buckets", rows, fc.rows())
	}
	half := make([]uint16, dim)
	for range rows {
		var b uint32
		get(&b)
		get(half)
		if err != nil {
			return nil, 0, err
		}
		if int(b) >= fc.rows() {
			return nil, 0, fmt.Errorf("row %d out of range", b)
		}
		for i, h := range half {
			w.emb[int(b)*dim+i] = fromHalf(h)
		}
	}
	return w, threshold, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// toHalf converts f to an IEEE 754 half float, rounding to nearest even.
// Feature vector values are small, so overflow and subnormals are handled
// simply: overflow saturates to infinity, tiny values go to zero.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case exp >= 31:
		return sign | 0x7c00
	case exp <= 0:
		return sign
	}
	h := uint32(exp)<<10 | mant>>13
	rest := mant & 0x1fff
	if rest > 0x1000 || (rest == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which is still correct
	}
	return sign | uint16(h)
}

// fromHalf converts an IEEE 754 half float written by toHalf.
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		return math.Float32frombits(sign) // toHalf writes no subnormals
	case 31:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | mant<<13)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
