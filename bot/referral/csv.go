package referral

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/linkbot/linkbot/store"
)

// Columns are the columns of a referrals CSV file, in the order Linkbot
// writes them; a file may put them in any order and leave out any but
// name and phone. README.md describes each.
var Columns = []string{"name", "preferred_name", "phone", "telegram_wanted", "nhs_number", "date_of_birth", "gp_practice",
	"referred_by", "referral_source", "referred_at", "reason", "needs", "consent_at", "consent_by", "consent_how",
	"discreet", "language", "link_worker_email"}

// MaxImportRows is the most referrals one file may hold.
const MaxImportRows = 5000

// LineProblem is a problem in one field of one line of a file.
type LineProblem struct {
	File    string
	Line    int
	Field   string
	Message string
}

// String is the problem as "file.csv:12: phone: is not …".
func (p LineProblem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Message)
}

// DuplicateLine is a line that refers someone already referred: a person
// the scheme supports, or an earlier line of the same file.
type DuplicateLine struct {
	File      string
	Line      int
	Name      string
	Why       string // "the same phone number" or "the same NHS number"
	PersonID  int64  // the person it repeats, or 0
	OtherLine int    // the earlier line it repeats, or 0
}

// String says which line repeats whom.
func (d DuplicateLine) String() string {
	if d.OtherLine != 0 {
		return fmt.Sprintf("%s:%d: %s has %s as line %d; not imported twice", d.File, d.Line, d.Name, d.Why, d.OtherLine)
	}
	return fmt.Sprintf("%s:%d: %s has %s as person %d, whom the scheme supports; not imported again", d.File, d.Line, d.Name, d.Why, d.PersonID)
}

// Report is what an import found and did.
type Report struct {
	File       string
	Rows       int // lines of referrals read (not the header)
	Problems   []LineProblem
	Duplicates []DuplicateLine
	Ready      int // referrals that are good and new: imported unless a dry run
	Created    int // people created
	DryRun     bool
}

// Import reads a referrals CSV file named file from r into the scheme:
// each good line that refers someone new becomes a person whose support
// starts (Create). Lines with problems, and duplicates, are reported and
// skipped. With dryRun nothing is written. The inbox's import page and
// "linkbot people import" both use it.
func Import(ctx context.Context, db *store.DB, start Starter, scheme store.Scheme, actor string, actorID *int64, file string, r io.Reader, dryRun bool) (Report, error) {
	rep := Report{File: file, DryRun: dryRun}
	lines, err := readCSV(file, r, &rep)
	if err != nil || lines == nil {
		return rep, err
	}
	run := func(tx *store.Tx) error {
		phones, nhs := map[string]int{}, map[string]int{}
		for _, l := range lines {
			p, problems, err := Check(ctx, tx, scheme, l.in)
			if err != nil {
				return err
			}
			for _, pr := range problems {
				rep.Problems = append(rep.Problems, LineProblem{file, l.line, pr.Field, pr.Message})
			}
			for _, pr := range l.problems {
				rep.Problems = append(rep.Problems, LineProblem{file, l.line, pr.Field, pr.Message})
			}
			if len(problems)+len(l.problems) > 0 {
				continue
			}
			dup := DuplicateLine{File: file, Line: l.line, Name: p.Name}
			if p.NHSNumber != nil && nhs[*p.NHSNumber] != 0 {
				dup.Why, dup.OtherLine = "the same NHS number", nhs[*p.NHSNumber]
			} else if p.Phone != nil && phones[*p.Phone] != 0 {
				dup.Why, dup.OtherLine = "the same phone number", phones[*p.Phone]
			} else if known, found, err := Duplicate(ctx, tx, p); err != nil {
				return err
			} else if found {
				dup.Why, dup.PersonID = Why(p, known), known.ID
			}
			if dup.Why != "" {
				rep.Duplicates = append(rep.Duplicates, dup)
				continue
			}
			if p.Phone != nil {
				phones[*p.Phone] = l.line
			}
			if p.NHSNumber != nil {
				nhs[*p.NHSNumber] = l.line
			}
			rep.Ready++
			if dryRun {
				continue
			}
			if err := Create(ctx, tx, start, &p, actor, actorID); err != nil {
				return fmt.Errorf("%s:%d: %w", file, l.line, err)
			}
			rep.Created++
		}
		return nil
	}
	if dryRun {
		err = db.View(ctx, run)
	} else {
		err = db.InTx(ctx, run)
	}
	if err != nil {
		rep.Created = 0
		return rep, fmt.Errorf("import %s: %w", file, err)
	}
	return rep, nil
}

// csvLine is one line of referral read from a file.
type csvLine struct {
	line     int
	in       Input
	problems Problems // in its yes/no columns
}

// readCSV reads the header and lines of a referrals file. Problems with
// the file as a whole go into rep (and lines is nil).
func readCSV(file string, r io.Reader, rep *Report) ([]csvLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rep.Problems = append(rep.Problems, LineProblem{file, 1, "header", "the file is empty; its first line names the columns: " + strings.Join(Columns, ",")})
		return nil, nil
	}
	if err != nil {
		return nil, csvProblem(file, err, rep)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !knownColumn(h) {
			rep.Problems = append(rep.Problems, LineProblem{file, 1, "header", fmt.Sprintf("%q is not a column Linkbot reads; the columns are %s", h, strings.Join(Columns, ","))})
			continue
		}
		col[h] = i
	}
	for _, need := range []string{"name", "phone"} {
		if _, ok := col[need]; !ok {
			rep.Problems = append(rep.Problems, LineProblem{file, 1, "header", "there is no " + need + " column"})
		}
	}
	if len(rep.Problems) > 0 {
		return nil, nil
	}
	var lines []csvLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvProblem(file, err, rep)
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // a blank line, as spreadsheets leave at the end
		}
		rep.Rows++
		if rep.Rows > MaxImportRows {
			rep.Problems = append(rep.Problems, LineProblem{file, line, "file", fmt.Sprintf("has more than %d referrals; split it into smaller files", MaxImportRows)})
			return nil, nil
		}
		l := csvLine{line: line, in: Input{Name: get("name"), PreferredName: get("preferred_name"), Phone: get("phone"),
			NHSNumber: get("nhs_number"), DateOfBirth: get("date_of_birth"), GPPractice: get("gp_practice"), ReferredBy: get("referred_by"),
			ReferralSource: get("referral_source"), ReferredAt: get("referred_at"), Reason: get("reason"),
			Needs: strings.FieldsFunc(get("needs"), func(r rune) bool { return r == ';' || r == ',' }), ConsentAt: get("consent_at"),
			ConsentBy: get("consent_by"), ConsentHow: get("consent_how"), Language: get("language"), LinkWorker: get("link_worker_email")}}
		for _, b := range []struct {
			name string
			to   *bool
		}{{"telegram_wanted", &l.in.TelegramWanted}, {"discreet", &l.in.Discreet}} {
			v, ok := yesNo(get(b.name))
			if !ok {
				l.problems = append(l.problems, Problem{b.name, "must be yes or no"})
			}
			*b.to = v
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		rep.Problems = append(rep.Problems, LineProblem{file, 2, "file", "has a header but no referrals"})
		return nil, nil
	}
	return lines, nil
}

// csvProblem reports a file that is not CSV where it stopped making sense.
func csvProblem(file string, err error, rep *Report) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		rep.Problems = append(rep.Problems, LineProblem{file, pe.Line, "file", "is not CSV here: " + pe.Err.Error()})
		return nil
	}
	return fmt.Errorf("read %s: %w", file, err)
}

func knownColumn(name string) bool {
	for _, c := range Columns {
		if c == name {
			return true
		}
	}
	return false
}

// yesNo reads a spreadsheet's yes or no; empty is no.
func yesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "no", "n", "false", "0":
		return false, true
	case "yes", "y", "true", "1", "x":
		return true, true
	}
	return false, false
}
