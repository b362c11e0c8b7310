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
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"planbot/bot"
	"planbot/bot/web"
	"planbot/index"
)

// webConfig is the web: section of the configuration: the HTTP API and the
// page (package bot/web).
type webConfig struct {
	// Listen is where to serve the API and the page; empty: no web.
	Listen string `yaml:"listen"`
	// CORSOrigins are the origins whose pages may call the API (and embed
	// the page); "*" any.
	CORSOrigins []string `yaml:"cors_origins"`
	// TrustedProxies are the reverse proxies in front (addresses or
	// CIDR prefixes): only behind them is X-Forwarded-For believed.
	TrustedProxies []string `yaml:"trusted_proxies"`
	Rate           struct {
		PerMinute int `yaml:"per_minute"`
		Burst     int `yaml:"burst"`
	} `yaml:"rate"`
	// LogQuestions writes the questions asked in the request log.
	LogQuestions bool `yaml:"log_questions"`

	proxies []netip.Prefix
}

// check reads the proxies and rejects settings that cannot work.
func (c *webConfig) check() error {
	if c.Listen != "" {
		if !validListen(c.Listen) {
			return fmt.Errorf("web.listen must be host:port, such as 127.0.0.1:8080, not %s", shown(c.Listen))
		}
	}
	for _, o := range c.CORSOrigins {
		scheme, host, ok := strings.Cut(o, "://")
		if o != "*" && (!ok || (scheme != "http" && scheme != "https") || host == "" || strings.ContainsAny(host, "/?#@ ")) {
			return fmt.Errorf("web.cors_origins: %s is not an origin such as https://www.example.gov.cn (no path, no slash at the end)", shown(o))
		}
	}
	c.proxies = nil
	for _, p := range c.TrustedProxies {
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return fmt.Errorf("web.trusted_proxies: %s is not an address or a prefix such as 10.0.0.0/8", shown(p))
			}
			pre = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		c.proxies = append(c.proxies, pre.Masked())
	}
	if c.Rate.PerMinute < 0 || c.Rate.Burst < 0 {
		return errors.New("web.rate: per_minute and burst must not be negative (0 takes 60 and 20)")
	}
	return nil
}

// planID names a plan in the web's URLs: its file's name without the
// extension, in lower case.
func planID(file string) string {
	name := "donghe-14th-five-year-plan"
	if file != "" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		id = "plan"
	}
	return id[:min(len(id), 64)]
}

// newWeb makes the web's handler for the plans of lib, read from entries
// in order: each plan its own page and ?plan= (an ID made of its file's
// name), answering from that plan alone; onRequest counts its requests.
func newWeb(c webConfig, entries []planEntry, lib *index.Library, opts bot.Options, log *slog.Logger, onRequest func(web.Request)) (*web.Server, error) {
	opts.Username = ""
	var plans []web.Plan
	seen := map[string]int{}
	for i, idx := range lib.Plans() {
		id := planID(entries[i].File)
		if seen[id]++; seen[id] > 1 {
			id = fmt.Sprintf("%s-%d", id, seen[id])
		}
		b := bot.New([]bot.Plan{{Name: idx.Name(), Plan: idx.Plan()}}, onePlan{idx}, opts)
		plans = append(plans, web.Plan{ID: id, Bot: b})
	}
	return web.New(plans, web.Options{
		Origins:      c.CORSOrigins,
		Proxies:      c.proxies,
		PerMinute:    c.Rate.PerMinute,
		Burst:        c.Rate.Burst,
		LogQuestions: c.LogQuestions,
		Logger:       log,
		OnRequest:    onRequest,
	})
}

// onePlan searches one plan of a library whatever the question names: a
// page of the web is the page of one plan.
type onePlan struct{ idx *index.Index }

func (p onePlan) Search(ctx context.Context, query string, _ []string, limit int) (index.Answer, error) {
	return p.idx.SearchContext(ctx, query, limit)
}

// serveWeb serves h on l until the function returned is called, which lets
// the requests in hand finish within timeout.
func serveWeb(ctx context.Context, l net.Listener, h http.Handler, timeout time.Duration, log *slog.Logger) (stop func()) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return serveHTTP(ctx, srv, l, "web", timeout, log)
}

// serveHTTP runs srv on l until the function returned is called, which
// lets the requests in hand finish within timeout, then closes it; name
// says which server failed in the log.
func serveHTTP(ctx context.Context, srv *http.Server, l net.Listener, name string, timeout time.Duration, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("planbot: "+name+" server failed", "err", err)
		}
	}()
	return func() {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if err := srv.Shutdown(shutCtx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
}

// defaultWebListen is where planbot web listens without -listen or
// web.listen.
const defaultWebListen = "127.0.0.1:8080"

// runWeb serves the web API and page alone, with no Telegram token, until
// ctx is done.
func runWeb(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "where to serve, host:port (default "+defaultWebListen+", or web.listen of the configuration)")
	path := fs.String("config", "", "a YAML configuration `file`: its web, plan, data, admin and log settings (optional)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: planbot web [-listen ADDR] [-config FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	cfg := &serveConfig{}
	if *path != "" {
		src, err := os.ReadFile(*path)
		if err == nil {
			cfg, err = parseConfig(src, os.Getenv, false)
		}
		if err == nil {
			cfg.resolvePlans(*path)
		}
		if err != nil {
			return fmt.Errorf("config %s: %w", *path, err)
		}
	}
	switch {
	case *listen != "":
		cfg.Web.Listen = *listen
	case cfg.Web.Listen == "":
		cfg.Web.Listen = defaultWebListen
	}
	if err := cfg.Web.check(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	l, err := net.Listen("tcp", cfg.Web.Listen)
	if err != nil {
		return fmt.Errorf("web: listen: %w", err)
	}
	defer l.Close()
	adm, err := startAdmin(ctx, cfg, "web", log)
	if err != nil {
		return err
	}
	defer adm.stop()
	m, ready, store := adm.metrics, &adm.ready, &adm.store

	var opts bot.Options
	stopStats, _, err := recordStats(ctx, cfg, &opts, m, store, false, log)
	if err != nil {
		return err
	}
	defer stopStats()
	if len(cfg.Plans) == 0 {
		cfg.Plans = []planEntry{{}}
	}
	lib, err := openLibrary(ctx, cfg.Plans, planCache{dir: cfg.Data.Dir})
	if err != nil {
		return err
	}
	defer lib.Close()
	h, err := newWeb(cfg.Web, cfg.Plans, lib, opts, log, m.webRequest)
	if err != nil {
		return err
	}
	stop := serveWeb(ctx, l, h, 5*time.Second, log)
	log.Info("planbot: web serving", "addr", "http://"+l.Addr().String()+"/")
	ready.Store(true)
	<-ctx.Done()
	ready.Store(false)
	stop()
	log.Info("planbot: stopped")
	return nil
}
