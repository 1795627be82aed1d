package dispatch

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/linkbot/linkbot/store"
)

// Metrics count what the dispatcher does, by channel. A nil *Metrics
// counts nothing.
type Metrics struct {
	sent, retried, failed, held, stale *prometheus.CounterVec
}

// NewMetrics registers the dispatcher's counters with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	newCounter := func(name, help string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"channel"})
		reg.MustRegister(c)
		return c
	}
	return &Metrics{
		sent:    newCounter("linkbot_outbox_sent_total", "Outbound messages the provider accepted."),
		retried: newCounter("linkbot_outbox_retried_total", "Sends that failed and will be tried again."),
		failed:  newCounter("linkbot_outbox_failed_total", "Outbound messages that failed for good."),
		held:    newCounter("linkbot_outbox_held_total", "Outbound messages held back (opted out, blocked, loop guard)."),
		stale:   newCounter("linkbot_outbox_stale_total", "Outbound messages dropped because they could no longer go in time."),
	}
}

// counter names one of the counters.
type counter int

const (
	countSent counter = iota
	countRetried
	countFailed
	countHeld
	countStale
)

func (m *Metrics) count(c counter, channel store.Channel) {
	if m == nil {
		return
	}
	vec := [...]*prometheus.CounterVec{m.sent, m.retried, m.failed, m.held, m.stale}[c]
	vec.WithLabelValues(string(channel)).Inc()
}
