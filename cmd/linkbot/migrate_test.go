package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/linkbot/linkbot/store/storetest"
)

func TestTwoMigrateProcessesAtOnceBothSucceedAndLeaveOneSchema(t *testing.T) {
	url := storetest.PostgresURL(t)
	var cmds [2]struct {
		run      interface{ Wait() error }
		out, err bytes.Buffer
	}
	for i := range cmds {
		cmd := linkbot(t, t.TempDir(), nil, "migrate", "--database", url)
		cmd.Stdout, cmd.Stderr = &cmds[i].out, &cmds[i].err
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i].run = cmd
	}
	for i := range cmds {
		if err := cmds[i].run.Wait(); err != nil {
			t.Errorf("migrate %d: %v\n%s", i+1, err, cmds[i].err.String())
		}
		if !strings.Contains(cmds[i].out.String(), "up to date") {
			t.Errorf("migrate %d said %q", i+1, cmds[i].out.String())
		}
	}
	db := storetest.Open(t, url)
	if err := db.Ready(context.Background()); err != nil {
		t.Fatalf("after two migrations at once the database is not ready: %v", err)
	}
}
