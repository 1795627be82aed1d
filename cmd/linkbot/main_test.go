package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the linkbot binary: run with
// LINKBOT_RUN_AS_BINARY=1 it runs the command line instead of the tests, so
// process-level tests exercise the real main without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("LINKBOT_RUN_AS_BINARY") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// linkbot returns a command that runs this binary as linkbot with args,
// in dir, with the environment given added to this process's.
func linkbot(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LINKBOT_RUN_AS_BINARY=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// runLinkbot runs the command line in-process with stdin as standard
// input and returns the exit code and what it wrote.
func runLinkbot(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return code, out.String(), errOut.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runLinkbot(t, "", "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	for _, name := range commandOrder {
		if !strings.Contains(out, "  "+name+" ") {
			t.Errorf("help does not list %q:\n%s", name, out)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, name := range commandOrder {
		code, out, errOut := runLinkbot(t, "", name, "--help")
		if code != 0 || !strings.Contains(out+errOut, "Usage: linkbot "+name) {
			t.Errorf("linkbot %s --help: exit %d, output:\n%s%s", name, code, out, errOut)
		}
	}
}

func TestUnknownCommandSaysSoAndExits2(t *testing.T) {
	code, _, errOut := runLinkbot(t, "", "serv")
	if code != 2 || !strings.Contains(errOut, `unknown command "serv"`) {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
}

func TestServeWithUnreachableDatabaseExitsWithOneClearLine(t *testing.T) {
	t.Setenv("LINKBOT_DATABASE_URL", "postgres://nobody:hunter2@127.0.0.1:1/x")
	code, out, errOut := runLinkbot(t, "", "serve", "--listen", "127.0.0.1:0")
	if code == 0 {
		t.Fatal("serve exited 0 with an unreachable database")
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one line on stderr, got %d:\n%s", len(lines), errOut)
	}
	if strings.Contains(errOut+out, "hunter2") {
		t.Errorf("the password is in the output: %s", errOut)
	}
	for _, want := range []string{"127.0.0.1:1", "LINKBOT_DATABASE_URL"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not mention %q: %s", want, errOut)
		}
	}
}

func TestServeWithoutDatabaseSaysWhatToSet(t *testing.T) {
	t.Setenv("LINKBOT_DATABASE_URL", "")
	code, _, errOut := runLinkbot(t, "", "serve")
	if code != 2 || !strings.Contains(errOut, "LINKBOT_DATABASE_URL") || !strings.Contains(errOut, "linkbot demo") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
}

// startDemo starts "linkbot demo" in dir on a free port and returns the
// running process and the address it printed.
func startDemo(t *testing.T, dir string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := linkbot(t, dir, []string{"LINKBOT_DATABASE_URL="}, "demo", "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "Linkbot demo is running at "); ok {
			go io.Copy(io.Discard, stdout)
			return cmd, addr, &logs
		}
	}
	cmd.Wait()
	t.Fatalf("the demo never said where it runs; its logs:\n%s", logs.String())
	return nil, "", nil
}

// stop sends SIGTERM and returns the exit code.
func stop(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not stop within 30s of SIGTERM")
		return -1
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestDemoStartsServesAndStopsCleanlyThenReusesItsData(t *testing.T) {
	dir := t.TempDir()
	cmd, addr, logs := startDemo(t, dir)
	if code, body := get(t, addr+"/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, addr+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz: %d %q", code, body)
	}
	if code := stop(t, cmd); code != 0 {
		t.Fatalf("demo exited %d after SIGTERM; logs:\n%s", code, logs)
	}
	if !strings.Contains(logs.String(), "created the demo scheme") {
		t.Errorf("first start did not create the demo scheme; logs:\n%s", logs)
	}
	if _, err := os.Stat(dir + "/" + demoDatabase); err != nil {
		t.Fatalf("the demo kept no data file in its working directory: %v", err)
	}

	cmd, addr, logs = startDemo(t, dir)
	if code, _ := get(t, addr+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz after restart: %d", code)
	}
	stop(t, cmd)
	if !strings.Contains(logs.String(), "reusing the demo scheme") {
		t.Errorf("second start did not reuse the demo scheme; logs:\n%s", logs)
	}
}
