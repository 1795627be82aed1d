package main

import (
	"context"
	"errors"
)

// runDialogues is built by the issue "Nudge dialogues".
func runDialogues(ctx context.Context, args []string, io stdio) error {
	return errors.New("not built yet")
}
