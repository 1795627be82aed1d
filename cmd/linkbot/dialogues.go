package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strings"

	"github.com/linkbot/linkbot/dialogues"
)

const dialoguesUsage = `dialogues validate FILE…
       linkbot dialogues simulate [--replies FILE] [--json] [--discreet] [--var name=value]… FILE
       linkbot dialogues library [KEY]

validate  checks dialogue files and lists every problem as file:line:col;
          exits 1 if there is an error (warnings alone exit 0).
simulate  plays a dialogue in the terminal against what you type (a line
          "/wait" stands for no reply until the wait runs out), showing what
          the bot sends, records and escalates.
library   lists the built-in dialogues, or prints one to copy and edit.`

// runDialogues validates and simulates nudge dialogue files.
func runDialogues(ctx context.Context, args []string, io stdio) error {
	if len(args) == 0 {
		fmt.Fprintf(io.err, "Usage: linkbot %s\n", dialoguesUsage)
		return errUsage
	}
	switch args[0] {
	case "validate":
		return runDialoguesValidate(args[1:], io)
	case "simulate":
		return runDialoguesSimulate(ctx, args[1:], io)
	case "library":
		return runDialoguesLibrary(args[1:], io)
	case "-h", "--help", "help":
		fmt.Fprintf(io.out, "Usage: linkbot %s\n", dialoguesUsage)
		return nil
	}
	fmt.Fprintf(io.err, "linkbot dialogues: unknown subcommand %q\n\nUsage: linkbot %s\n", args[0], dialoguesUsage)
	return errUsage
}

func runDialoguesValidate(args []string, io stdio) error {
	fs := newFlags("dialogues validate", "dialogues validate FILE…", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	errorCount, warnings := 0, 0
	seen := map[string]string{} // key@version → file
	for _, file := range fs.Args() {
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(io.out, "%s:1:1: cannot read the file: %v\n", file, errors.Unwrap(err))
			errorCount++
			continue
		}
		d, diags := dialogues.Parse(file, src)
		if d != nil {
			id := fmt.Sprintf("%s@%d", d.Key, d.Version)
			if first, dup := seen[id]; dup {
				diags = append(diags, dialogues.Diagnostic{File: file, Pos: d.KeyPos, Severity: dialogues.SeverityError,
					Message: fmt.Sprintf("duplicate dialogue key %q version %d, also in %s", d.Key, d.Version, first),
					Hint:    "give it another key, or a higher version"})
			}
			seen[id] = file
		}
		for _, diag := range diags {
			fmt.Fprintln(io.out, diag)
			if diag.Severity == dialogues.SeverityError {
				errorCount++
			} else {
				warnings++
			}
		}
	}
	if errorCount > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%s, %s", plural(errorCount, "error"), plural(warnings, "warning"))}
	}
	fmt.Fprintf(io.err, "%s ok, %s\n", plural(fs.NArg(), "file"), plural(warnings, "warning"))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// varFlags collects repeated --var name=value flags.
type varFlags dialogues.Vars

// String is part of flag.Value; the defaults are not printed.
func (v varFlags) String() string { return "" }

// Set adds one name=value.
func (v varFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want name=value, got %q", s)
	}
	v[strings.TrimSpace(name)] = value
	return nil
}

func runDialoguesSimulate(ctx context.Context, args []string, io stdio) error {
	fs := newFlags("dialogues simulate", "dialogues simulate [flags] FILE", io)
	repliesFile := fs.String("replies", "", "read the person's replies from `FILE`, one a line, instead of the terminal")
	asJSON := fs.Bool("json", false, `print one JSON object a line: {"from":"bot"|"person","text":…}`)
	discreet := fs.Bool("discreet", false, "use the discreet texts, as for a person on a shared phone")
	lang := fs.String("lang", "", "language tag to use (default: the dialogue's first)")
	vars := varFlags(dialogues.SampleVars())
	fs.Var(vars, "var", "set a template variable, `name=value` (repeatable); sample values otherwise")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	file := fs.Arg(0)
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read dialogue: %w", err)
	}
	d, diags := dialogues.Parse(file, src)
	for _, diag := range diags {
		fmt.Fprintln(io.err, diag)
	}
	if d == nil {
		return exitError{code: 1, msg: "the dialogue has errors; fix them before simulating"}
	}

	in, interactive := io.in, *repliesFile == ""
	if !interactive {
		f, err := os.Open(*repliesFile)
		if err != nil {
			return fmt.Errorf("open replies: %w", err)
		}
		defer f.Close()
		in = f
	}
	print := printText
	if *asJSON {
		print = printJSON
	}
	sim := dialogues.NewSimulation(d, dialogues.Params{Vars: dialogues.Vars(vars), Discreet: *discreet, Language: *lang})
	turns, err := sim.Start()
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	print(io.out, turns, true)
	lines := bufio.NewScanner(in)
	for !sim.Done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if interactive && !*asJSON {
			fmt.Fprint(io.out, "> ")
		}
		if !lines.Scan() {
			break
		}
		turns, err := sim.Reply(lines.Text())
		if err != nil {
			return fmt.Errorf("simulate: %w", err)
		}
		print(io.out, turns, !interactive)
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("read replies: %w", err)
	}
	if !sim.Done() && !*asJSON {
		fmt.Fprintln(io.out, "(the run is still waiting for a reply)")
	}
	return nil
}

// printText prints a readable transcript. Typed replies are not echoed.
func printText(w io.Writer, turns []dialogues.Turn, echo bool) {
	for _, t := range turns {
		if !echo && t.From == "person" && t.Silence == "" {
			if t.Answer != nil {
				fmt.Fprintln(w, t.Answer)
			}
			continue
		}
		fmt.Fprintln(w, t)
	}
}

// printJSON prints one JSON object a line.
func printJSON(w io.Writer, turns []dialogues.Turn, _ bool) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, t := range turns {
		_ = enc.Encode(t) // a broken pipe ends the output; nothing to do
	}
}

// runDialoguesLibrary lists the built-in dialogues or prints one.
func runDialoguesLibrary(args []string, io stdio) error {
	fs := newFlags("dialogues library", "dialogues library [KEY]", io)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ds, err := dialogues.Library()
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		for _, d := range ds {
			note := ""
			if d.Licence != "" {
				note = "  (needs a licence)"
			}
			fmt.Fprintf(io.out, "%-20s %-11s %s%s\n", d.Key, d.Kind, d.Name, note)
		}
		return nil
	}
	src, err := iofs.ReadFile(dialogues.LibraryFiles(), fs.Arg(0)+".yaml")
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("no built-in dialogue %q; run \"linkbot dialogues library\" for the list", fs.Arg(0))}
	}
	_, err = io.out.Write(src)
	return err
}
