package dispatch

import (
	"context"
	"sync"
	"time"

	"github.com/linkbot/linkbot/store"
)

// leaseKeeper renews the dispatcher's claims every Lease/3 while it works
// on a batch, and says whether they are safe to send under: a message is
// sent only while its lease has at least Lease/3 left, so a dispatcher cut
// off from the database stops sending before another could take its
// messages over.
type leaseKeeper struct {
	mu    sync.Mutex
	until time.Time
	quit  chan struct{}
	done  chan struct{}
	d     *Dispatcher
}

func (d *Dispatcher) keepLeases(ctx context.Context, claimedAt time.Time) *leaseKeeper {
	k := &leaseKeeper{until: claimedAt.Add(d.cfg.Lease), quit: make(chan struct{}), done: make(chan struct{}), d: d}
	go func() {
		defer close(k.done)
		t := time.NewTicker(d.cfg.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-k.quit:
				return
			case <-t.C:
			}
			until := d.cfg.Now().Add(d.cfg.Lease)
			err := d.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.RenewLeases(ctx, d.cfg.Owner, until)
				return err
			})
			if err != nil {
				d.log.WarnContext(ctx, "dispatch: leases not renewed", "err", err)
				continue
			}
			k.mu.Lock()
			k.until = until
			k.mu.Unlock()
		}
	}()
	return k
}

// usable reports whether a message may still be sent under the lease at now.
func (k *leaseKeeper) usable(now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return now.Before(k.until.Add(-k.d.cfg.Lease / 3))
}

func (k *leaseKeeper) stop() {
	close(k.quit)
	<-k.done
}
