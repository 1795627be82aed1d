package dialogues

import (
	"errors"
	"fmt"
	"strings"
)

// Severity says whether a diagnostic stops a dialogue from being used.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one problem found in a dialogue file.
type Diagnostic struct {
	File     string
	Pos      Pos
	Severity Severity
	Message  string
	Hint     string // what to do about it; may be empty
}

// String formats d as "file:line:col: message (hint)", with "warning: "
// before the message of a warning.
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", d.File, d.Pos.Line, d.Pos.Col)
	if d.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	if d.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Diagnostics are all the problems found in a file, in file order.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns the errors (not the warnings) as one error, or nil.
func (ds Diagnostics) Err() error {
	var errs []error
	for _, d := range ds {
		if d.Severity == SeverityError {
			errs = append(errs, errors.New(d.String()))
		}
	}
	return errors.Join(errs...)
}
