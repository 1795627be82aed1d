package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTriageClassifyWritesOneJSONObjectPerMessage(t *testing.T) {
	in := "I've been stockpiling my meds\ncan we move Thursday to next week?\nI'd kill for a biscuit\n\n"
	code, out, errOut := runLinkbot(t, in, "triage", "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		for _, k := range []string{"text", "label", "urgent", "confidence", "reason"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %q has no %q", sc.Text(), k)
			}
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("got %d lines for 4 messages:\n%s", len(lines), out)
	}
	if l := lines[0]; l["text"] != "I've been stockpiling my meds" || l["label"] != "risk" || l["urgent"] != true || l["reason"] != "stockpiling my meds" {
		t.Errorf("risk message: %v", l)
	}
	if l := lines[1]; l["label"] != "reschedule" || l["urgent"] != false || l["reason"] != "" {
		t.Errorf("reschedule message: %v", l)
	}
	if l := lines[2]; l["urgent"] != false {
		t.Errorf("idiom made urgent: %v", l)
	}
}

func TestTriageEvalPrintsScoresPerLabelAndTheConfusionMatrix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eval.tsv")
	data := "risk\tI want to die\nreschedule\tcan we do Friday instead\nstop\tplease stop texting me\nother\tI'd kill for a biscuit\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runLinkbot(t, "", "triage", "eval", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"precision", "recall", "f1", "macro F1", "confusion", "low_mood", "examples 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	riskRow := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "risk ") {
			riskRow = line
			break
		}
	}
	if f := strings.Fields(riskRow); len(f) != 5 || f[1] != "1.000" || f[2] != "1.000" {
		t.Errorf("risk row %q, want precision and recall 1.000", riskRow)
	}
}

func TestTriageEvalRejectsABadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(path, []byte("urgent\tsomething\n"), 0o644)
	if code, _, errOut := runLinkbot(t, "", "triage", "eval", path); code == 0 || !strings.Contains(errOut, "unknown label") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runLinkbot(t, "", "triage", "eval"); code != 2 {
		t.Errorf("eval without a file: exit %d, want 2", code)
	}
}

func TestTriageUnknownSubcommandIsAUsageError(t *testing.T) {
	if code, _, errOut := runLinkbot(t, "", "triage", "frobnicate"); code != 2 || !strings.Contains(errOut, "classify") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestTriageTrainWritesWeightsThatLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := t.TempDir()
	var train, dev strings.Builder
	for i, line := range []string{
		"risk\tI want to die", "risk\tI can't go on", "risk\the hits me",
		"contact\tcan you ring me", "contact\tcall me please", "contact\tcan we talk",
		"reschedule\tcan we move Thursday", "reschedule\tcan't make it, another day?", "reschedule\tcancel tomorrow please",
		"stop\tstop texting me", "stop\tunsubscribe", "stop\tno more messages",
		"low_mood\tfeeling low", "low_mood\tso lonely", "low_mood\tbit down today",
		"positive\tfeeling great", "positive\thad a lovely day", "positive\tthanks, much better",
		"other\tok", "other\twhat's the date", "other\tI'm at the shops",
	} {
		if i%3 == 0 {
			dev.WriteString(line + "\n")
		}
		train.WriteString(line + "\n")
	}
	os.WriteFile(filepath.Join(dir, "train.tsv"), []byte(train.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "dev.tsv"), []byte(dev.String()), 0o644)
	out := filepath.Join(dir, "m", "triage.bin.gz")
	code, stdout, errOut := runLinkbot(t, "", "triage", "train", "--data", dir, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "macro F1") || !strings.Contains(stdout, "risk threshold") {
		t.Errorf("train output:\n%s", stdout)
	}
	for _, p := range []string{out, filepath.Join(dir, "m", "triage.card.json")} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", p, err)
		}
	}
}
