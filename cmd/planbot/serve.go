package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"planbot/bot"
	"planbot/bot/telegram"
	"planbot/corpus"
	"planbot/index"
)

// runServe runs the Telegram bot until ctx is done (SIGINT, SIGTERM).
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
	cfg, err := loadServeConfig(*path, os.Getenv(tokenEnv))
	if err != nil {
		return err
	}
	if cfg.Telegram.Mode == "webhook" {
		return fmt.Errorf("config %s: telegram.mode: webhook is not available yet; use polling", *path)
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)

	plan, err := corpus.Default()
	if err != nil {
		return err
	}
	idx, err := index.New(plan)
	if err != nil {
		return err
	}
	defer idx.Close()

	tg, err := telegram.Dial(ctx, cfg.Telegram.Token, telegram.Options{
		Endpoint:    cfg.Telegram.APIEndpoint,
		Timeout:     time.Duration(cfg.Telegram.RequestTimeout),
		PollTimeout: time.Duration(cfg.Telegram.PollTimeout),
		Limits: telegram.Limits{
			PerChat:   time.Duration(cfg.Limits.PerChat),
			PerGroup:  cfg.Limits.PerGroupPerMinute,
			PerSecond: cfg.Limits.PerSecond,
		},
		Logger: log,
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
	b := bot.New(plan, idx, bot.Options{Username: tg.Username()})
	if err := tg.SetCommands(ctx, bot.Commands()); err != nil {
		log.Warn("planbot: could not register the command menu", "err", err)
	}
	log.Info("planbot: serving", "bot", "@"+tg.Username(), "mode", cfg.Telegram.Mode, "admins", len(cfg.Telegram.Admins))
	err = tg.Poll(ctx, b)
	log.Info("planbot: stopped")
	return err
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
