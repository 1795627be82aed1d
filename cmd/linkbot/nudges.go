package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
)

// startNudges runs the nudge claim loop in the background and returns a
// function that stops it and waits for it, to call before db is closed.
// On PostgreSQL the loop also wakes on notifications.
func startNudges(ctx context.Context, db *store.DB, logger *slog.Logger, databaseURL string) (stop func()) {
	loop := &nudges.Loop{DB: db, Logger: logger}
	if db.Postgres() && (strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://")) {
		loop.ListenURL = databaseURL
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := loop.Run(ctx); err != nil {
			logger.Error("nudges stopped", "err", err)
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

// planDemoNudges plans the demo scheme's nudges: reminders of the booked
// contacts and everyone's next check-in (their first check-ins are history).
func planDemoNudges(ctx context.Context, tx *store.Tx, schemeID int64) error {
	planner := nudges.NewPlanner()
	people, err := tx.ListPeople(ctx, schemeID, 0)
	if err != nil {
		return err
	}
	for _, p := range people {
		if err := planner.PlanNextCheckin(ctx, tx, p); err != nil {
			return err
		}
		contacts, err := tx.ListContacts(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, c := range contacts {
			if c.Status == store.ContactBooked {
				if err := planner.PlanContact(ctx, tx, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
