package main

import (
	"context"
	"errors"
)

// runTriage is built by the issue "Reply triage".
func runTriage(ctx context.Context, args []string, io stdio) error {
	return errors.New("not built yet")
}
