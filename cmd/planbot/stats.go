package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"planbot/bot/stats"
)

// runStats shows what the configured store holds, or moves its records
// out (-export FILE) or in (-import FILE): JSON lines, one record each, the
// same from bbolt and PostgreSQL, so that a bbolt store moves into
// PostgreSQL with two commands. It counts the records before and after.
func runStats(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the YAML configuration `file` whose data section names the store")
	export := fs.String("export", "", "write every record of the store to `FILE` (JSON lines; - for stdout)")
	imp := fs.String("import", "", "add the records of `FILE` (written by -export) to the store")
	add := fs.Bool("append", false, "with -import: add to a store that already holds records")
	days := fs.Int("days", 7, "without -export or -import: report the last `N` days")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: planbot stats -config FILE [-days N | -export FILE | -import FILE [-append]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *path == "" || fs.NArg() > 0 || (*export != "" && *imp != "") || *days < 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadDataConfig(*path, os.Getenv)
	if err != nil {
		return err
	}
	var st store
	if cfg.Data.Postgres != "" {
		// Not a replica: the bots' shares of the flood limits stay.
		st, err = stats.OpenPostgres(ctx, cfg.Data.Postgres, stats.PostgresOptions{Heartbeat: -1, Timeout: time.Minute})
	} else if cfg.Data.Dir != "" {
		st, err = openStats(cfg.Data.Dir, stats.Options{})
	} else {
		return fmt.Errorf("stats: config %s names no store: set data.dir or data.postgres", *path)
	}
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	defer st.Close()
	before, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	name := storeName(cfg)
	switch {
	case *export != "":
		return exportStore(ctx, st, name, before, *export, stdout, stderr)
	case *imp != "":
		return importStore(ctx, st, name, before, *imp, *add, stderr)
	}
	fmt.Fprintf(stdout, "%s: %s\n", name, before)
	since := time.Now().AddDate(0, 0, -*days)
	r, err := st.Report(ctx, since, time.Time{}, 10)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, r)
	return nil
}

// exportStore writes every record of st to file; counts go to log.
func exportStore(ctx context.Context, st store, name string, before stats.Counts, file string, stdout, log io.Writer) error {
	fmt.Fprintf(log, "%s: %s\n", name, before)
	out := stdout
	var f *os.File
	if file != "-" {
		var err error
		if f, err = os.OpenFile(file, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err != nil {
			return fmt.Errorf("stats: -export: %w", err)
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	var wrote stats.Counts
	err := st.Export(ctx, func(r stats.Record) error {
		wrote.Add(r)
		return enc.Encode(r)
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("stats: -export: %w", err)
	}
	fmt.Fprintf(log, "exported to %s: %s\n", file, wrote)
	if wrote.Total() < before.Total() {
		return fmt.Errorf("stats: -export: wrote %s, fewer than the store counted before (pruned meanwhile?)", wrote)
	}
	return nil
}

// importStore adds the records of file to st, all or none.
func importStore(ctx context.Context, st store, name string, before stats.Counts, file string, add bool, log io.Writer) error {
	fmt.Fprintf(log, "%s before: %s\n", name, before)
	if before.Answers+before.Unanswered+before.Feedback > 0 && !add {
		return fmt.Errorf("stats: -import: the store already holds records (%s); importing the same file twice would count them twice. Add -append to import anyway", before)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("stats: -import: %w", err)
	}
	defer f.Close()
	var recs []stats.Record
	var read stats.Counts
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r stats.Record
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("stats: -import: %s line %d: not a record of planbot stats -export", file, line)
		}
		recs = append(recs, r)
		read.Add(r)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("stats: -import: %s: %w", file, err)
	}
	fmt.Fprintf(log, "read from %s: %s\n", file, read)
	if err := st.Import(ctx, recs); err != nil {
		return err
	}
	after, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "%s after: %s\n", name, after)
	// A chat's plan replaces the one it had: those need not add up.
	if after.Answers != before.Answers+read.Answers || after.Unanswered != before.Unanswered+read.Unanswered ||
		after.Feedback != before.Feedback+read.Feedback || after.ChatPlans < read.ChatPlans {
		return errors.New("stats: -import: the counts after do not add up (recorded meanwhile?)")
	}
	return nil
}
