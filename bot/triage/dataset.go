package triage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// Example is one labelled message.
type Example struct {
	Label Label
	Text  string
}

// ReadExamples reads lines of "label<TAB>text". Blank lines and lines
// starting with "#" are skipped; an unknown label is an error.
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		label, text, ok := strings.Cut(s, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: want label<TAB>text", line)
		}
		l, err := ParseLabel(label)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, Example{Label: l, Text: text})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read examples: %w", err)
	}
	return out, nil
}

// ReadExamplesFile reads a file of "label<TAB>text" lines.
func ReadExamplesFile(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ReadExamples(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}
