package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// TestStoreWatch: the database's background failures are counted by
// kind, logged once a minute for each operation, and make the store
// degraded until that operation succeeds again.
func TestStoreWatch(t *testing.T) {
	m := newMetrics()
	var logs bytes.Buffer
	w := newStoreWatch(m, slog.New(slog.NewTextHandler(&logs, nil)))
	if w.err() != nil {
		t.Fatal("degraded before anything failed")
	}
	down := errors.New("stats: postgres: record: dial tcp 127.0.0.1:5432: connect: connection refused")
	for range 3 {
		w.observe("record", down)
	}
	w.observe("heartbeat", context.DeadlineExceeded)
	w.observe("heartbeat", nil)
	if err := w.err(); err != down {
		t.Errorf("degraded by %v, want the failing record", err)
	}
	if n := strings.Count(logs.String(), "the store failed"); n != 2 {
		t.Errorf("%d log lines for 4 failures of two operations, want 2:\n%s", n, logs.String())
	}
	for kind, want := range map[string]float64{"failed": 3, "timeout": 1} {
		var c dto.Metric
		if err := m.storeErrors.WithLabelValues(kind).Write(&c); err != nil {
			t.Fatal(err)
		}
		if got := c.GetCounter().GetValue(); got != want {
			t.Errorf("planbot_store_errors_total{kind=%q} = %v, want %v", kind, got, want)
		}
	}
	w.observe("record", nil)
	if w.err() != nil {
		t.Errorf("still degraded after the record went: %v", w.err())
	}
	if !strings.Contains(logs.String(), "the store works again") {
		t.Errorf("no log line when the store came back:\n%s", logs.String())
	}
}
