package main

import (
	"context"
	"io/fs"
	"log/slog"
	"testing"
	"time"

	"github.com/linkbot/linkbot/bot"
	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/nudges"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// A check-in the nudge loop starts on the scheme's second published version
// of ONS4 must take the person's reply in the inbound pipeline: both sides
// must agree which version the run is on.
func TestACheckinStartedByTheNudgeLoopTakesThePersonsReply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		monday := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // 10:00 in London, inside send hours
		db.SetClock(func() time.Time { return monday })
		person := storetest.Person(t, db)
		src, err := fs.ReadFile(dialogues.LibraryFiles(), "ons4.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the scheme publishes ONS4, then publishes it again
			storetest.Dialogue(t, db, person.SchemeID, func(d *store.Dialogue) { d.Key, d.Source = "ons4", string(src) })
		}
		storetest.Nudge(t, db, person, func(n *store.Nudge) { n.DialogueKey, n.DueAt = storetest.Ptr("ons4"), monday })

		loop := &nudges.Loop{DB: db, Clock: func() time.Time { return monday }, Logger: slog.New(slog.DiscardHandler)}
		if n, err := loop.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("nudge loop fired %d (err %v), want the check-in", n, err)
		}
		engine, err := bot.NewEngine(db, bot.Options{Logger: slog.New(slog.DiscardHandler), Runs: newPlanner("")})
		if err != nil {
			t.Fatal(err)
		}
		err = engine.HandleInbound(ctx, bot.Inbound{Kind: bot.KindMessage, Channel: bot.SMS, ProviderID: "SM1",
			From: *person.Phone, Text: "8/10", ReceivedAt: monday})
		if err != nil {
			t.Fatal(err)
		}
		answers, err := db.ListAnswers(ctx, person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(answers) != 1 || answers[0].Value == nil || *answers[0].Value != 8 || *answers[0].MeasureKey != "ons4.life_satisfaction" {
			t.Fatalf("answers %+v, want life satisfaction 8", answers)
		}
	})
}
