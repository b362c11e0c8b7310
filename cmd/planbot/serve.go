package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"planbot/bot"
	"planbot/bot/stats"
	"planbot/bot/telegram"
)

// runServe runs the Telegram bot until ctx is done (SIGINT, SIGTERM): then
// it stops receiving, lets the updates in hand finish within
// telegram.shutdown_timeout, and returns nil.
func runServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the YAML configuration `file` (see config.example.yaml)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: planbot serve -config FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *path == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadServeConfig(*path, os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)

	// Listen first: a port taken fails at once, and the health check
	// answers "starting" while the index is built.
	m := newMetrics()
	watch := newStoreWatch(m, log)
	var ready atomic.Bool
	if cfg.Admin.Listen != "" {
		l, err := net.Listen("tcp", cfg.Admin.Listen)
		if err != nil {
			return fmt.Errorf("serve: admin.listen: %w", err)
		}
		stop := serveAdmin(ctx, l, m.registry, &ready, func() string { return watch.degraded() }, log)
		defer stop()
		log.Info("planbot: admin endpoints", "addr", l.Addr().String(), "paths", "/healthz /metrics")
	}
	var hook net.Listener
	if cfg.Telegram.Mode == "webhook" {
		hook, err = net.Listen("tcp", cfg.Telegram.Webhook.Listen)
		if err != nil {
			return fmt.Errorf("serve: telegram.webhook.listen: %w", err)
		}
		defer hook.Close()
	}

	opts := bot.Options{Admins: cfg.Telegram.Admins}
	st, pg, err := openStore(ctx, cfg, watch.observe)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	var shared telegram.SharedLimits
	if st != nil {
		defer func() {
			if err := st.Close(); err != nil {
				log.Error("planbot: closing the store", "err", err)
			}
		}()
		w := watched{st, watch}
		opts.Recorder, opts.Reporter, opts.Chats = w, w, w
		log.Info("planbot: store", "store", storeName(cfg))
	}
	if pg != nil {
		shared = pg
		m.sharePostgres(pg)
	}
	lib, err := openLibrary(ctx, cfg.Plans, cfg.Data.Dir)
	if err != nil {
		return err
	}
	plansLoaded := true
	defer func() {
		if plansLoaded {
			lib.Close()
		}
	}()

	tg, err := telegram.Dial(ctx, cfg.Telegram.Token, telegram.Options{
		Endpoint:        cfg.Telegram.APIEndpoint,
		Timeout:         time.Duration(cfg.Telegram.RequestTimeout),
		PollTimeout:     time.Duration(cfg.Telegram.PollTimeout),
		ShutdownTimeout: time.Duration(cfg.Telegram.ShutdownTimeout),
		Limits: telegram.Limits{
			PerChat:   time.Duration(cfg.Limits.PerChat),
			PerGroup:  cfg.Limits.PerGroupPerMinute,
			PerSecond: cfg.Limits.PerSecond,
			Shared:    shared,
		},
		Logger:     log,
		OnHandled:  m.handled,
		OnAPIError: m.apiError,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		var te *telegram.Error
		if errors.As(err, &te) && te.Code == 401 {
			return errors.New("serve: Telegram refused the token (401); check telegram.token or " + tokenEnv)
		}
		return fmt.Errorf("serve: %w", err)
	}
	opts.Username = tg.Username()
	b := &reloadable{cur: &generation{bot: bot.New(botPlans(lib), lib, opts), lib: lib}}
	plansLoaded = false // b releases them
	defer b.close()
	// SIGHUP reloads the plans.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go b.reloadOn(ctx, hup, func(ctx context.Context) (*generation, error) {
		again, err := loadPlansConfig(*path, os.Getenv)
		if err != nil {
			return nil, err
		}
		lib, err := openLibrary(ctx, again.Plans, cfg.Data.Dir)
		if err != nil {
			return nil, err
		}
		return &generation{bot: bot.New(botPlans(lib), lib, opts), lib: lib}, nil
	}, log)
	if err := tg.SetCommands(ctx, bot.Commands()); err != nil {
		log.Warn("planbot: could not register the command menu", "err", err)
	}
	log.Info("planbot: serving", "bot", "@"+tg.Username(), "mode", cfg.Telegram.Mode, "admins", len(cfg.Telegram.Admins))
	ready.Store(true)
	if cfg.Telegram.Mode == "webhook" {
		err = tg.ServeWebhook(ctx, b, hook, telegram.Webhook{
			URL:            cfg.Telegram.Webhook.URL,
			Secret:         cfg.Telegram.Webhook.SecretToken,
			MaxConnections: cfg.Telegram.Webhook.MaxConnections,
		})
	} else {
		err = tg.Poll(ctx, b)
	}
	ready.Store(false)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("planbot: stopped")
	return nil
}

// newLogger makes the structured logger the configuration asks for.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	switch strings.ToLower(level) {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: lv}
	if strings.EqualFold(format, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// metrics are what /metrics shows, counted at the adapter's edge from its
// callbacks: the conversation core knows nothing of them.
type metrics struct {
	registry  *prometheus.Registry
	updates   *prometheus.CounterVec
	answers   *prometheus.CounterVec
	notFound  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	apiErrors *prometheus.CounterVec
	// storeErrors counts the store's failures by operation.
	storeErrors *prometheus.CounterVec
}

// newMetrics registers the metrics in a registry of their own, with the Go
// runtime's and the process's.
func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_updates_total",
			Help: "Updates received from Telegram, by kind (message, edited_message, callback_query, inline_query, other, malformed).",
		}, []string{"kind"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_answers_total",
			Help: "Answers given, by kind (indicator, term, passage, project, target, search, toc, chapter, offer, not_found, inline, notice, other).",
		}, []string{"kind"}),
		notFound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_not_found_answers_total",
			Help: "Questions the plan does not answer, by the kind of update that asked.",
		}, []string{"update"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "planbot_update_duration_seconds",
			Help:    "Time from an update's receipt to its last reply sent, flood-control waits included, by kind of update.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"kind"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_telegram_api_errors_total",
			Help: "Failed Bot API calls, by method and error code (429 flood control, 403 blocked, 400 refused; none when no answer came).",
		}, []string{"method", "code"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_store_errors_total",
			Help: "Failures of the store, by operation (record, report, chat_plan, heartbeat); answers go on.",
		}, []string{"op"}),
	}
	m.storeErrors.WithLabelValues("record")
	m.registry.MustRegister(m.storeErrors)
	m.registry.MustRegister(m.updates, m.answers, m.notFound, m.latency, m.apiErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Zero series for the common kinds, so that rates exist from the start.
	for _, k := range []string{"message", "callback_query", "inline_query"} {
		m.updates.WithLabelValues(k)
	}
	for _, k := range telegram.AnswerKinds {
		m.answers.WithLabelValues(k)
	}
	return m
}

// sharePostgres adds what a PostgreSQL store shared by replicas knows.
func (m *metrics) sharePostgres(pg *stats.Postgres) {
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planbot_replicas",
			Help: "Replicas alive on the shared store, this one included, as its last heartbeat counted them.",
		}, func() float64 { return float64(pg.Replicas()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "planbot_store_pending_records",
			Help: "Records waiting in memory for the database to take them.",
		}, func() float64 { return float64(pg.Pending()) }),
	)
}

// handled counts an update the adapter handled.
func (m *metrics) handled(h telegram.Handled) {
	m.updates.WithLabelValues(h.Kind).Inc()
	if h.Kind == "malformed" {
		return
	}
	m.latency.WithLabelValues(h.Kind).Observe(h.Took.Seconds())
	if h.Answer == "" {
		return
	}
	m.answers.WithLabelValues(h.Answer).Inc()
	if h.Answer == bot.KindNotFound {
		m.notFound.WithLabelValues(h.Kind).Inc()
	}
}

// apiError counts a failed Bot API call.
func (m *metrics) apiError(e *telegram.Error) {
	code := "none"
	if e.Code != 0 {
		code = strconv.Itoa(e.Code)
	}
	m.apiErrors.WithLabelValues(e.Method, code).Inc()
}

// serveAdmin serves the operator's endpoints on l: /healthz (200 "ok" once
// the bot serves, 503 while it starts or stops, so that a load balancer
// sends webhooks elsewhere) and /metrics (Prometheus). While degraded
// names a failing part, /healthz says "degraded: " and the part, with 200:
// the bot still answers, and with a store shared by every replica, a 503
// would take them all out of the balancer at once. The function returned
// stops the server.
func serveAdmin(ctx context.Context, l net.Listener, reg *prometheus.Registry, ready *atomic.Bool, degraded func() string, log *slog.Logger) (stop func()) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch {
		case ctx.Err() != nil:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "stopping")
		case !ready.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "starting")
		case degraded() != "":
			fmt.Fprintln(w, "degraded: "+degraded())
		default:
			fmt.Fprintln(w, "ok")
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("planbot: admin server failed", "err", err)
		}
	}()
	return func() {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutCtx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
}
