package store

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jmoiron/sqlx"
)

// preparedStatements keeps the statements of the hottest paths (every
// inbound message runs them) prepared on the connections of a pool, so the
// database parses and plans each once per connection instead of once per
// use: on PostgreSQL that is most of the cost of a small query.
type preparedStatements struct {
	mu sync.Mutex
	m  map[preparedKey]*sqlx.Stmt // nil while being prepared
}

type preparedKey struct {
	pool  *sqlx.DB
	query string
}

// get returns the pool's statement for query, or nil when it is not
// prepared yet. The first call prepares it in the background: preparing
// waits for a free connection, and a caller inside a transaction already
// holds one, so waiting here could starve the pool.
func (p *preparedStatements) get(pool *sqlx.DB, query string) *sqlx.Stmt {
	k := preparedKey{pool, query}
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt, ok := p.m[k]; ok {
		return stmt
	}
	if p.m == nil {
		p.m = map[preparedKey]*sqlx.Stmt{}
	}
	p.m[k] = nil
	go func() {
		stmt, err := pool.Preparex(query)
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil {
			slog.Debug("store: prepare statement; it runs unprepared until a later use prepares it", "err", err)
			delete(p.m, k)
			return
		}
		p.m[k] = stmt
	}()
	return nil
}

// selectPrepared is selectAll through a statement kept prepared.
func (tx *Tx) selectPrepared(ctx context.Context, op string, dest any, q string, args ...any) error {
	stmt := tx.prepared.get(tx.pool, tx.rebind(q))
	if stmt == nil {
		return tx.selectAll(ctx, op, dest, q, args...)
	}
	if err := tx.tx.StmtxContext(ctx, stmt).SelectContext(ctx, dest, args...); err != nil {
		return classify(op, err)
	}
	return nil
}

// insertPrepared is insert through a statement kept prepared.
func (tx *Tx) insertPrepared(ctx context.Context, op string, q string, args ...any) (int64, error) {
	stmt := tx.prepared.get(tx.pool, tx.rebind(q+" RETURNING id"))
	if stmt == nil {
		return tx.insert(ctx, op, q, args...)
	}
	var id int64
	if err := tx.tx.StmtxContext(ctx, stmt).QueryRowxContext(ctx, args...).Scan(&id); err != nil {
		return 0, classify(op, err)
	}
	return id, nil
}
