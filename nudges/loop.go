package nudges

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/linkbot/linkbot/store"
)

// Loop claims due nudges and turns them into dialogue runs and outbox
// messages. Any number of loops, in any number of processes, may run
// against one PostgreSQL database: claims carry a lease and each nudge is
// carried out once. On SQLite the database's single writer serialises them.
type Loop struct {
	DB      *store.DB
	Planner *Planner         // nil: NewPlanner()
	Clock   func() time.Time // nil: time.Now
	Owner   string           // lease owner; "": host name and process id
	Batch   int              // nudges per claim; 0: 1000
	Workers int              // claimers Run runs at once; 0: 8
	Lease   time.Duration    // how long a claim is held; 0: 2 minutes
	Tick    time.Duration    // how often to look for due nudges when idle; 0: 2 s
	// ListenURL, a postgres:// URL, makes Run also wake on NOTIFY
	// store.NudgesChannel. Empty: the tick alone.
	ListenURL string
	Logger    *slog.Logger // nil: slog.Default()
}

// maxAttempts is how often a nudge that fails to be carried out is tried
// before it is skipped with the error as its note.
const maxAttempts = 5

func (l *Loop) defaults() {
	if l.Planner == nil {
		l.Planner = NewPlanner()
	}
	if l.Clock == nil {
		l.Clock = time.Now
	}
	if l.Owner == "" {
		host, _ := os.Hostname()
		l.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if l.Batch <= 0 {
		l.Batch = 1000
	}
	if l.Workers <= 0 {
		l.Workers = 8
	}
	if l.Lease <= 0 {
		l.Lease = 2 * time.Minute
	}
	if l.Tick <= 0 {
		l.Tick = 2 * time.Second
	}
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
}

// Run claims and carries out due nudges until ctx is cancelled, with
// Workers claimers at once. Each goes straight on while its claims come
// back full, and otherwise waits for the tick or a notification.
func (l *Loop) Run(ctx context.Context) error {
	l.defaults()
	wake := make(chan struct{}, l.Workers)
	if l.ListenURL != "" {
		listener := pq.NewListener(l.ListenURL, time.Second, time.Minute, nil)
		defer listener.Close()
		if err := listener.Listen(store.NudgesChannel); err != nil {
			l.Logger.Warn("nudges: cannot listen for notifications; polling only", "err", err)
		} else {
			go relay(ctx, listener.Notify, wake)
		}
	}
	var wg sync.WaitGroup
	for i := range l.Workers {
		// When idle only the first claimer looks every Tick; the others
		// rest until a full claim or a notification calls for them.
		tick := l.Tick
		if i > 0 {
			tick = 15 * l.Tick
		}
		wg.Go(func() { l.work(ctx, tick, wake) })
	}
	wg.Wait()
	return nil
}

// relay passes notifications on to a waiting worker, dropping those that
// find every worker busy (a busy worker looks again before it waits).
func relay[T any](ctx context.Context, from <-chan T, to chan<- struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-from:
			select {
			case to <- struct{}{}:
			default:
			}
		}
	}
}

// work is one claimer of Run.
func (l *Loop) work(ctx context.Context, tick time.Duration, wake chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, err := l.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			l.Logger.Error("nudges: claim loop", "err", err)
		}
		if n >= l.Batch && err == nil {
			for range l.Workers - 1 { // there is more: call the others in
				select {
				case wake <- struct{}{}:
				default:
				}
			}
			continue
		}
		timer.Reset(tick)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-timer.C:
		}
	}
}

// RunOnce claims one batch of due nudges and carries them out, and returns
// how many it claimed. Tests call it with a fake Clock.
func (l *Loop) RunOnce(ctx context.Context) (int, error) {
	l.defaults()
	now := l.Clock()
	claimed, err := l.DB.ClaimDueNudges(ctx, now, l.Owner, l.Lease, l.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim nudges: %w", err)
	}
	if len(claimed) == 0 {
		return 0, nil
	}
	return len(claimed), l.carryOutClaimed(ctx, now, claimed)
}

// carryOutClaimed carries out claimed nudges in one transaction or, if that
// fails, one by one.
func (l *Loop) carryOutClaimed(ctx context.Context, now time.Time, claimed []store.Nudge) error {
	err := l.DB.InTx(ctx, func(tx *store.Tx) error {
		return l.carryOut(ctx, tx.At(now), now, claimed)
	})
	if errors.Is(err, errNotHeld) && len(claimed) == 1 {
		return nil
	}
	if err == nil || len(claimed) == 1 || ctx.Err() != nil {
		return l.failed(ctx, claimed, err)
	}
	// One nudge spoiled the batch: carry them out one by one, so the
	// others go and the bad one is tried again later.
	l.Logger.Warn("nudges: batch failed; carrying out its nudges one by one", "nudges", len(claimed), "err", err)
	var errs []error
	for _, n := range claimed {
		err := l.DB.InTx(ctx, func(tx *store.Tx) error {
			return l.carryOut(ctx, tx.At(now), now, []store.Nudge{n})
		})
		if errors.Is(err, errNotHeld) {
			continue // cancelled or taken over meanwhile: not ours to do
		}
		if err := l.failed(ctx, []store.Nudge{n}, err); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// failed gives up on a nudge that failed maxAttempts times: it is skipped
// with the error as its note. Others stay claimed until their lease runs out.
func (l *Loop) failed(ctx context.Context, list []store.Nudge, err error) error {
	if err == nil || len(list) != 1 || list[0].Attempts < maxAttempts {
		return err
	}
	n := list[0]
	l.Logger.Error("nudges: giving up on a nudge", "nudge", n.ID, "kind", n.Kind, "attempts", n.Attempts, "err", err)
	note := "failed: " + err.Error()
	return l.DB.FinishNudge(ctx, n.ID, l.Owner, store.NudgeSkipped, note[:min(len(note), 500)])
}

// carryOut handles claimed nudges in tx, the batch's writes together.
func (l *Loop) carryOut(ctx context.Context, tx *store.Tx, now time.Time, claimed []store.Nudge) error {
	b := &batch{Planner: l.Planner, tx: tx, now: now, owner: l.Owner}
	if err := b.load(ctx, claimed); err != nil {
		return err
	}
	for _, n := range b.nudges {
		if err := b.decide(ctx, n); err != nil {
			return fmt.Errorf("nudge %d (%s): %w", n.ID, n.Kind, err)
		}
	}
	return b.write(ctx)
}

// sortedIDs returns the distinct values of f over list, in order.
func sortedIDs[T any](list []T, f func(T) (int64, bool)) []int64 {
	var ids []int64
	for _, x := range list {
		if id, ok := f(x); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
