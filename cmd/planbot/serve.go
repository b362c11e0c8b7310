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
	"planbot/bot/web"
)

// storeHealth is what /healthz says of the statistics store.
type storeHealth struct {
	queue atomic.Pointer[stats.Queue]
	off   atomic.Bool // the store is damaged past repair: nothing is recorded
	// watch sees the background work of a PostgreSQL store.
	watch *storeWatch
}

// err is the store's failure, nil when it works (or there is none).
func (h *storeHealth) err() error {
	if h.off.Load() {
		return stats.ErrDamaged
	}
	if q := h.queue.Load(); q != nil && q.Err() != nil {
		return q.Err()
	}
	if h.watch == nil {
		return nil
	}
	return h.watch.err()
}

// recordStats opens the store the configuration names, if any (bbolt in
// data.dir, or PostgreSQL), and wires it into opts: records go through a
// stats.Queue, so that the store can never cost an answer, failures are
// counted in planbot_store_errors_total and shown by health, and records
// past data.retention are pruned at once and then daily (by every replica
// when they share PostgreSQL: pruning twice does no harm). The function
// returned flushes and closes it all. pg is the PostgreSQL store, for the
// flood limits the replicas share; nil for bbolt. sends says whether this
// process sends to Telegram: only those count as replicas sharing the
// limits.
func recordStats(ctx context.Context, cfg *serveConfig, opts *bot.Options, m *metrics, health *storeHealth, sends bool, log *slog.Logger) (stop func(), pg *stats.Postgres, err error) {
	st, pg, err := openStore(ctx, cfg, health.watch.observe, sends, log)
	if err != nil {
		return nil, nil, fmt.Errorf("serve: %w", err)
	}
	if st == nil {
		if cfg.Data.Dir != "" && cfg.Data.Postgres == "" {
			health.off.Store(true) // damaged past repair
		}
		return func() {}, nil, nil
	}
	log.Info("planbot: store", "store", storeName(cfg))
	q := stats.NewQueue(st, stats.QueueOptions{
		Logger:  log,
		OnError: func(kind string) { m.storeErrors.WithLabelValues(kind).Inc() },
	})
	health.queue.Store(q)
	opts.Recorder, opts.Reporter, opts.Chats = q, st, st
	pruneCtx, cancel := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		for {
			n, err := st.Prune(pruneCtx, time.Now())
			switch {
			case pruneCtx.Err() != nil:
				return
			case err != nil:
				m.storeErrors.WithLabelValues(stats.ErrorKind(err)).Inc()
				log.Error("planbot: could not prune old statistics", "err", err)
			case n > 0:
				log.Info("planbot: pruned statistics past data.retention", "records", n)
			}
			if sleepCtx(pruneCtx, 24*time.Hour) != nil {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-pruned
		flushCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer done()
		if err := q.Close(flushCtx); err != nil {
			log.Warn("planbot: statistics still queued at exit were dropped")
		}
		if err := st.Close(); err != nil {
			log.Error("planbot: closing the store", "err", err)
		}
	}, pg, nil
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runServe runs the Telegram bot, the web (web.listen) or both until ctx
// is done (SIGINT, SIGTERM): then it stops receiving, lets the updates and
// requests in hand finish within telegram.shutdown_timeout, and returns
// nil. Without a token it serves the web alone.
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
	adm, err := startAdmin(ctx, cfg, "serve", log)
	if err != nil {
		return err
	}
	defer adm.stop()
	m, ready, store := adm.metrics, &adm.ready, &adm.store
	var webL net.Listener
	if cfg.Web.Listen != "" {
		webL, err = net.Listen("tcp", cfg.Web.Listen)
		if err != nil {
			return fmt.Errorf("serve: web.listen: %w", err)
		}
		defer webL.Close()
	}
	var hook net.Listener
	if cfg.telegramOn() && cfg.Telegram.Mode == "webhook" {
		hook, err = net.Listen("tcp", cfg.Telegram.Webhook.Listen)
		if err != nil {
			return fmt.Errorf("serve: telegram.webhook.listen: %w", err)
		}
		defer hook.Close()
	}

	opts := bot.Options{Admins: cfg.Telegram.Admins}
	stopStats, pg, err := recordStats(ctx, cfg, &opts, m, store, cfg.telegramOn(), log)
	if err != nil {
		return err
	}
	defer stopStats()
	var shared telegram.SharedLimits
	if pg != nil {
		shared = pg
		m.sharePostgres(pg)
	}
	lib, err := openLibrary(ctx, cfg.Plans, planCache{dir: cfg.Data.Dir})
	if err != nil {
		return err
	}
	plansLoaded := true
	defer func() {
		if plansLoaded {
			lib.Close()
		}
	}()

	if webL != nil {
		h, err := newWeb(cfg.Web, cfg.Plans, lib, opts, log, m.webRequest)
		if err != nil {
			return err
		}
		stop := serveWeb(ctx, webL, h, shutdownTimeout(cfg), log)
		defer stop()
		log.Info("planbot: web serving", "addr", "http://"+webL.Addr().String()+"/")
	}
	if !cfg.telegramOn() {
		ready.Store(true)
		<-ctx.Done()
		ready.Store(false)
		log.Info("planbot: stopped")
		return nil
	}

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
		lib, err := openLibrary(ctx, again.Plans, planCache{dir: cfg.Data.Dir})
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

// shutdownTimeout is how long the requests in hand may take to finish on
// SIGINT or SIGTERM.
func shutdownTimeout(cfg *serveConfig) time.Duration {
	if d := time.Duration(cfg.Telegram.ShutdownTimeout); d > 0 {
		return d
	}
	return 10 * time.Second
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
		// Durations as the text format writes them ("3ms"), not as
		// integer nanoseconds.
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindDuration {
				a.Value = slog.StringValue(a.Value.Duration().String())
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// metrics are what /metrics shows, counted at the adapter's edge from its
// callbacks: the conversation core knows nothing of them.
type metrics struct {
	registry    *prometheus.Registry
	updates     *prometheus.CounterVec
	answers     *prometheus.CounterVec
	notFound    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	apiErrors   *prometheus.CounterVec
	storeErrors *prometheus.CounterVec
	// The web's, apart: its requests and its answers by kind.
	webRequests *prometheus.CounterVec
	webAnswers  *prometheus.CounterVec
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
			Help: "Statistics the store could not keep, by kind (damaged, full, busy, timeout, failed). The answers went out regardless.",
		}, []string{"kind"}),
		webRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_web_requests_total",
			Help: "Requests to the web page and API, by route (\"POST /api/ask\", \"GET /toc\", … or none) and status code.",
		}, []string{"route", "code"}),
		webAnswers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "planbot_web_answers_total",
			Help: "Questions answered on the web, by kind of answer (as planbot_answers_total).",
		}, []string{"kind"}),
	}
	m.registry.MustRegister(m.updates, m.answers, m.notFound, m.latency, m.apiErrors, m.storeErrors, m.webRequests, m.webAnswers,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Zero series for the common kinds, so that rates exist from the start.
	for _, k := range []string{"message", "callback_query", "inline_query"} {
		m.updates.WithLabelValues(k)
	}
	for _, k := range telegram.AnswerKinds {
		m.answers.WithLabelValues(k)
	}
	for _, k := range []string{"damaged", "full", "busy", "timeout", "failed"} {
		m.storeErrors.WithLabelValues(k)
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

// webRequest counts a request to the web.
func (m *metrics) webRequest(r web.Request) {
	m.webRequests.WithLabelValues(r.Route, strconv.Itoa(r.Status)).Inc()
	if r.Kind != "" {
		m.webAnswers.WithLabelValues(r.Kind).Inc()
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

// serveAdmin serves the operator's endpoints on l: /healthz and /metrics
// (Prometheus). The function returned stops the server.
//
// /healthz answers 200 "ok" once the bot serves, 503 while it starts or
// stops, so that a load balancer sends webhooks elsewhere. When the
// statistics store fails (storeErr), it stays 200 and adds a second line,
// "degraded: store": the bot still answers every question, and a 503 would
// have a load balancer or a supervisor take away, or restart, a bot that
// answers, for a side concern a restart does not mend (a full disk, a
// damaged file; a PostgreSQL down, which every replica shares, would take
// them all away at once). Alert on that line or on
// planbot_store_errors_total.
// admin is what the admin endpoints report on: the metrics, whether the
// process is ready, the store's health.
type admin struct {
	metrics *metrics
	ready   atomic.Bool
	store   storeHealth
	stop    func()
}

// startAdmin makes the metrics and serves /healthz and /metrics on
// admin.listen when it is set; cmd names the command in errors.
func startAdmin(ctx context.Context, cfg *serveConfig, cmd string, log *slog.Logger) (*admin, error) {
	a := &admin{metrics: newMetrics(), stop: func() {}}
	a.store.watch = newStoreWatch(a.metrics, log)
	if cfg.Admin.Listen == "" {
		return a, nil
	}
	l, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		return nil, fmt.Errorf("%s: admin.listen: %w", cmd, err)
	}
	a.stop = serveAdmin(ctx, l, a.metrics.registry, &a.ready, a.store.err, log)
	log.Info("planbot: admin endpoints", "addr", l.Addr().String(), "paths", "/healthz /metrics")
	return a, nil
}

func serveAdmin(ctx context.Context, l net.Listener, reg *prometheus.Registry, ready *atomic.Bool, storeErr func() error, log *slog.Logger) (stop func()) {
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
		default:
			fmt.Fprintln(w, "ok")
			if err := storeErr(); err != nil {
				fmt.Fprintf(w, "degraded: store (%s)\n", stats.ErrorKind(err))
			}
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
	return serveHTTP(ctx, srv, l, "admin", 2*time.Second, log)
}
