package stats

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options are the settings of a Store; zero values take the defaults.
type Options struct {
	// Retention is how long records are kept: Prune deletes older ones.
	// Zero keeps them all.
	Retention time.Duration
	// MaxSize caps the space the records take, in bytes: past it a record
	// is refused with ErrFull. Zero sets no cap.
	MaxSize int64
	// CheckTimeout bounds the consistency check of Open (5 s): a file that
	// takes longer is used unchecked, and the log says so; records wait
	// for the check to end.
	CheckTimeout time.Duration
	// Logger gets the line that says a damaged file was moved aside, or
	// left unchecked; slog.Default() when nil.
	Logger *slog.Logger
}

var (
	// ErrDamaged is the error of a store whose file is damaged: Open moves
	// such a file aside, a Store that finds damage later refuses every
	// call.
	ErrDamaged = errors.New("stats: the file is damaged")
	// ErrFull is the error of a record refused because the store reached
	// Options.MaxSize.
	ErrFull = errors.New("stats: the store reached its maximum size")
	// ErrLocked is the error of Open when another process holds the file.
	ErrLocked = errors.New("stats: the file is held by another process (another planbot serving from the same data directory?)")
)

// lockWait is how long Open waits for a file another process holds.
const lockWait = time.Second

// Open opens the statistics file at path, creating it if needed; the
// directory must exist. It checks the file first (bbolt's consistency
// check and a read of every record, within Options.CheckTimeout): a damaged
// file is renamed aside, to path.damaged-<UTC time>, kept for whoever wants
// to look, and a fresh store is started in its place, with one log line
// that names both files. A file another process holds is ErrLocked after a
// second, not a wait.
func Open(path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 5 * time.Second
	}
	s, err := open(path, opts)
	if !errors.Is(err, ErrDamaged) {
		return s, err
	}
	aside := path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, fmt.Errorf("%w, and could not be moved aside: %v", err, rerr)
	}
	opts.Logger.Error("stats: the statistics file is damaged; moved it aside and started a fresh one: the records in it are no longer counted",
		"file", path, "moved_to", aside, "damage", err.Error())
	return open(path, opts)
}

// open opens and checks the file at path.
func open(path string, opts Options) (s *Store, err error) {
	var db *bolt.DB
	defer func() {
		// bbolt panics on a damaged meta page or freelist.
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			}
			s, err = nil, fmt.Errorf("%w: %s: %v", ErrDamaged, path, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
		errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, path, err)
	case err != nil:
		return nil, fmt.Errorf("stats: open %s: %w", path, err)
	}
	s = &Store{db: db, opts: opts}
	switch err := s.check(opts.CheckTimeout); {
	case errors.Is(err, errCheckTimeout):
		// Not damage: a big file on a slow disk. Serve it unchecked.
		opts.Logger.Warn("stats: the consistency check of the statistics file took too long; using it unchecked",
			"file", path, "limit", opts.CheckTimeout.String())
		if s.salt == nil { // the read of the records ran out of time, before init
			if err := s.guard("open", func() error { return s.db.Update(s.init) }); err != nil {
				db.Close()
				return nil, fmt.Errorf("stats: open %s: %w", path, err)
			}
		}
	case errors.Is(err, ErrDamaged):
		db.Close()
		return nil, err
	case err != nil:
		db.Close()
		return nil, fmt.Errorf("stats: open %s: %w", path, err)
	}
	return s, nil
}

// init makes the buckets and the salt of a new file, and reads the salt.
func (s *Store) init(tx *bolt.Tx) error {
	for _, b := range append(timeBuckets, pressedBucket, metaBucket, chatPlansBucket) {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	meta := tx.Bucket(metaBucket)
	if salt := meta.Get(saltKey); len(salt) > 0 {
		s.salt = append([]byte(nil), salt...)
		return nil
	}
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	s.salt = salt
	return meta.Put(saltKey, salt)
}

var errCheckTimeout = errors.New("stats: check timed out")

// check reads every record of the file, makes what a new file lacks
// (init), then runs bbolt's consistency check, within limit. The read
// comes first, on this goroutine, where a panic of bbolt on a damaged page
// is recovered; bbolt's check runs on a goroutine of its own, which only
// reaches pages the read has shown sound. All of it runs in one writable
// transaction, the one bbolt's check is safe in beside other transactions:
// a check past its limit finishes, and commits, in the background, and
// records wait for it (in the Queue, not the answers). Damage is
// ErrDamaged.
func (s *Store) check(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	tx, err := s.db.Begin(true)
	if err != nil {
		return err
	}
	read := 0
	err = s.guard("check", func() error {
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			c := b.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				if read++; read%1024 == 0 && time.Now().After(deadline) {
					return errCheckTimeout
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.init(tx); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		return nil
	})
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	errs := tx.Check()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	// end lets the check finish before the transaction ends.
	end := func(f func() error) {
		go func() {
			for range errs {
			}
			_ = f()
		}()
	}
	select {
	case err, ok := <-errs:
		if !ok {
			return tx.Commit()
		}
		end(tx.Rollback) // the first inconsistency is enough
		return fmt.Errorf("%w: %s: %v", ErrDamaged, s.db.Path(), err)
	case <-timer.C:
		end(tx.Commit)
		return errCheckTimeout
	}
}
