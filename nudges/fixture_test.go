package nudges

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/linkbot/linkbot/dialogues"
	"github.com/linkbot/linkbot/store"
	"github.com/linkbot/linkbot/store/storetest"
)

// fixture is a scheme on a database whose clock the test moves.
type fixture struct {
	t       testing.TB
	ctx     context.Context
	db      *store.DB
	now     time.Time
	loc     *time.Location
	planner *Planner
	loop    *Loop
	scheme  store.Scheme
	worker  store.LinkWorker
	replies int // inbound messages made by reply
}

func newFixture(t testing.TB, db *store.DB, start time.Time, opts ...func(*store.Scheme)) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, now: start, planner: NewPlanner()}
	db.SetClock(func() time.Time { return f.now })
	f.scheme = storetest.Scheme(t, db, opts...)
	f.worker = storetest.LinkWorker(t, db, f.scheme.ID, func(w *store.LinkWorker) { w.Name = "Priya Shah" })
	loc, err := f.scheme.Location()
	if err != nil {
		t.Fatal(err)
	}
	f.loc = loc
	f.loop = &Loop{DB: db, Planner: f.planner, Clock: func() time.Time { return f.now }, Owner: "test", Batch: 50}
	return f
}

// local is a time on the scheme's clock.
func (f *fixture) local(y int, m time.Month, d, hh, mm int) time.Time {
	return Date{y, m, d}.At(WallClock{hh, mm}, f.loc)
}

func (f *fixture) person(opts ...func(*store.Person)) store.Person {
	f.t.Helper()
	all := append([]func(*store.Person){func(p *store.Person) {
		p.SchemeID = f.scheme.ID
		p.LinkWorkerID = &f.worker.ID
		p.Name = "Margaret Ellis"
	}}, opts...)
	return storetest.Person(f.t, f.db, all...)
}

func (f *fixture) inTx(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.db.InTx(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

// drain runs the claim loop until nothing is due and returns how many
// nudges it claimed.
func (f *fixture) drain() int {
	f.t.Helper()
	total := 0
	for i := 0; i < 1000; i++ {
		n, err := f.loop.RunOnce(f.ctx)
		if err != nil {
			f.t.Fatalf("claim loop at %s: %v", f.now, err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	f.t.Fatal("the claim loop never ran dry")
	return total
}

// sent returns the messages queued for the person, oldest first.
func (f *fixture) sent(personID int64) []store.Message {
	f.t.Helper()
	all, err := f.db.ListThread(f.ctx, personID, 10000)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []store.Message
	for _, m := range all {
		if m.Direction == store.Outbound {
			out = append(out, m)
		}
	}
	return out
}

func (f *fixture) nudges(personID int64) []store.Nudge {
	f.t.Helper()
	list, err := f.db.ListNudges(f.ctx, personID)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

// reply feeds the person's reply to their waiting run through
// Planner.Reply, as the inbound pipeline does, on a stored inbound message.
func (f *fixture) reply(p store.Person, text string) {
	f.t.Helper()
	f.inTx(func(tx *store.Tx) error {
		run, err := tx.GetOpenRun(f.ctx, p.ID)
		if err != nil {
			return err
		}
		f.replies++
		provider := fmt.Sprintf("SM%d-%d-%d", p.ID, f.now.UnixNano(), f.replies)
		m := store.Message{SchemeID: p.SchemeID, PersonID: &p.ID, Channel: store.ChannelSMS, Address: *p.Phone,
			Body: text, ProviderID: &provider}
		if _, err := tx.InsertInbound(f.ctx, &m); err != nil {
			return err
		}
		return f.planner.Reply(f.ctx, tx, p, run, text, m.ID)
	})
}

func (f *fixture) escalations() []store.Escalation {
	f.t.Helper()
	list, err := f.db.ListOpenEscalations(f.ctx, f.scheme.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func builtinSource(t testing.TB, key string) string {
	t.Helper()
	b, err := fs.ReadFile(dialogues.LibraryFiles(), key+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testingSeed reads LINKBOT_NUDGES_SEED, to rerun a failed property test.
func testingSeed() uint64 {
	s, _ := strconv.ParseUint(os.Getenv("LINKBOT_NUDGES_SEED"), 10, 64)
	return s
}
