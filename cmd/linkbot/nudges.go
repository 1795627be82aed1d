package main

import (
	"context"
	"log/slog"

	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
)

// runNudges runs the nudge claim loop until ctx ends. On PostgreSQL the
// loop also wakes on notifications.
func runNudges(ctx context.Context, db *store.DB, logger *slog.Logger, planner *nudges.Planner, databaseURL string) {
	loop := &nudges.Loop{DB: db, Logger: logger, Planner: planner}
	if db.Postgres() {
		loop.ListenURL = databaseURL
	}
	if err := loop.Run(ctx); err != nil {
		logger.Error("nudges stopped", "err", err)
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
