// Command linkbot is the one binary of Linkbot: the server, the zero-set-up
// demo, database migrations and the tools schemes use to check dialogues and
// triage. Run "linkbot help" for the list of subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of the binary.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdio stdio) error
}

// stdio carries the streams a subcommand reads and writes, so tests can
// drive subcommands without touching the process's own.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// commands lists every subcommand. Each lives in a file of its own name.
var commands = map[string]command{
	"serve":     {"run the Linkbot server", runServe},
	"demo":      {"run a demo scheme on an embedded SQLite file, no set-up needed", runDemo},
	"migrate":   {"apply database migrations and exit", runMigrate},
	"version":   {"print the version", runVersion},
	"dialogues": {"validate and simulate nudge dialogues", runDialogues},
	"triage":    {"classify replies and train or evaluate the triage model", runTriage},
	"scheme":    {"create a scheme", runScheme},
	"user":      {"add a link worker or admin, or give one a new sign-in link", runUser},
	"people":    {"import referrals from a CSV file", runPeople},
	"person":    {"export everything held about one person (subject access)", runPerson},
	"report":    {"outcomes of a scheme: the episode export or the scheme report", runReport},
}

// commandOrder is the order "linkbot help" prints commands in.
var commandOrder = []string{"serve", "demo", "migrate", "scheme", "user", "people", "person", "report", "dialogues", "triage", "version"}

// errUsage marks an error whose message has already been printed with usage;
// main exits 2 without printing it again.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(io.out)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(io.err, "linkbot: unknown command %q\n\n", args[0])
		printUsage(io.err)
		return 2
	}
	err := cmd.run(ctx, args[1:], io)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		var exit exitError
		if errors.As(err, &exit) {
			if exit.msg != "" {
				fmt.Fprintln(io.err, exit.msg)
			}
			return exit.code
		}
		fmt.Fprintf(io.err, "linkbot %s: %v\n", args[0], err)
		return 1
	}
}

// exitError ends a subcommand with a chosen exit code and, when msg is not
// empty, one line on standard error.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Linkbot — chat and SMS nudges for social prescribing schemes.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: linkbot <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "linkbot <command> --help" for the flags of one command.`)
}

// newFlags returns a flag set for one subcommand that prints its usage to
// io.err and returns errors instead of exiting.
func newFlags(name, usage string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("linkbot "+name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	fs.Usage = func() {
		fmt.Fprintf(io.err, "Usage: linkbot %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// databaseFlag adds --database, which overrides cfg's database URL from
// the environment.
func databaseFlag(fs *flag.FlagSet, cfg *config) {
	fs.StringVar(&cfg.databaseURL, "database", cfg.databaseURL, "database: postgres://… URL or SQLite file path (env LINKBOT_DATABASE_URL)")
}

// parseFlags parses args, turning a flag error into errUsage (the flag
// package has already printed the problem and the usage).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	return nil
}
