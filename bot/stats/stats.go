// Package stats keeps what the bot needs across restarts: what people ask
// (each answered question counted by what answered it, the result's kind
// and topic; the questions that found nothing; the 👍/👎 pressed under
// answers) and each chat's chosen plan. It never records who asked: no
// user or message ids are taken, only the words of an unanswered question,
// cleaned and cut short, and the chat of a chosen plan. A press is counted
// once per message and user, told apart by a hash salted with a secret of
// the store, never the ids themselves.
//
// Two stores keep the same things. Store is an embedded bbolt file, keyed
// by time, for one process: nothing to install. Open checks the file and
// moves a damaged one aside; a Store never panics, and a cap on its size
// refuses more. Postgres is a PostgreSQL database that several replicas of
// the bot share, so that /stats counts every replica's questions and a
// chat's plan holds on all; it also shares the flood limits among them (a
// heartbeat row per replica, a next-send time per chat). Prune drops the
// records past the retention in either.
//
// The bot records through a Queue, which writes in the background so that
// the store can never delay or cost an answer, and calls Report for its
// /stats command; formatting is Report.String for a terminal or log, or
// the bot's own. Export and Import move every record from one store to the
// other (planbot stats -export, -import).
package stats

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// MaxText is how many runes of a question, topic, kind or result ID are
// stored; the rest is cut.
const MaxText = 200

var (
	answersBucket    = []byte("answers")
	unansweredBucket = []byte("unanswered")
	feedbackBucket   = []byte("feedback")
	// pressedBucket holds who pressed 👍/👎 under which message, as a
	// salted hash (the key) and the time (the value), so that a press
	// counts once; metaBucket holds the salt.
	pressedBucket = []byte("pressed")
	metaBucket    = []byte("meta")
	saltKey       = []byte("salt")
)

// timeBuckets are the buckets keyed by time.
var timeBuckets = [][]byte{answersBucket, unansweredBucket, feedbackBucket}

// Store is an open statistics file. It is safe for concurrent use.
//
// No call panics: bbolt panics on pages it finds damaged, and Store turns
// that into ErrDamaged and refuses every later call with it, as the file
// can no longer be trusted; Open moves such a file aside at the next start.
type Store struct {
	db      *bolt.DB
	opts    Options
	salt    []byte
	damaged atomic.Pointer[string] // what was found damaged, once it was
}

// Close closes the file.
func (s *Store) Close() error {
	return s.guard("close", s.db.Close)
}

// guard runs f, turning a panic of bbolt into ErrDamaged: the store is
// then marked damaged, and every later call fails at once.
func (s *Store) guard(op string, f func() error) (err error) {
	if d := s.damaged.Load(); d != nil {
		return fmt.Errorf("stats: %s: %w (%s)", op, ErrDamaged, *d)
	}
	defer func() {
		if r := recover(); r != nil {
			what := fmt.Sprint(r)
			s.damaged.CompareAndSwap(nil, &what)
			err = fmt.Errorf("stats: %s: %w (%s)", op, ErrDamaged, what)
		}
	}()
	return f()
}

// answer is a stored answered question.
type answer struct {
	Kind  string `json:"k"`
	Topic string `json:"t"`
}

// feedback is a stored button press.
type feedback struct {
	Result string `json:"r"`
	Up     bool   `json:"u"`
}

// RecordAnswer counts one answered question: kind is the kind of the result
// that answered it (passage, indicator, target…), topic what it was about,
// such as the top result's title.
func (s *Store) RecordAnswer(ctx context.Context, kind, topic string, at time.Time) error {
	v, err := json.Marshal(answer{Kind: clean(kind), Topic: clean(topic)})
	if err != nil {
		return err
	}
	return s.put(ctx, answersBucket, at, v, nil)
}

// RecordUnanswered records a question the plan did not answer. Control
// characters are dropped, runs of space made one and the question cut to
// MaxText runes; a question with nothing left is not recorded.
func (s *Store) RecordUnanswered(ctx context.Context, question string, at time.Time) error {
	q := clean(question)
	if q == "" {
		return nil
	}
	return s.put(ctx, unansweredBucket, at, []byte(q), nil)
}

// RecordFeedback records a 👍 (up) or 👎 pressed under the answer whose
// result has the given ID. once names the press (its message and user, as
// the caller likes): a second press with the same once is not counted, and
// is no error. once itself is not stored, only a hash of it salted with a
// secret of this file, kept as long as the records; "" counts every press.
func (s *Store) RecordFeedback(ctx context.Context, resultID string, up bool, once string, at time.Time) error {
	v, err := json.Marshal(feedback{Result: clean(resultID), Up: up})
	if err != nil {
		return err
	}
	var pressed []byte
	if once != "" {
		mac := hmac.New(sha256.New, s.salt)
		mac.Write([]byte(once))
		pressed = mac.Sum(nil)[:16]
	}
	return s.put(ctx, feedbackBucket, at, v, pressed)
}

// put stores v under a key of at and a sequence number, so records sort by
// time and never collide. With a pressed key, v is stored only if that key
// is new.
func (s *Store) put(ctx context.Context, bucket []byte, at time.Time, v, pressed []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.opts.MaxSize > 0 && s.size() >= s.opts.MaxSize {
		return ErrFull
	}
	err := s.guard("record", func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			if pressed != nil {
				p := tx.Bucket(pressedBucket)
				if p.Get(pressed) != nil {
					return nil // counted already
				}
				if err := p.Put(pressed, timeKey(at)); err != nil {
					return err
				}
			}
			b := tx.Bucket(bucket)
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			k := binary.BigEndian.AppendUint64(timeKey(at), seq)
			return b.Put(k, v)
		})
	})
	if err != nil && !errors.Is(err, ErrDamaged) {
		return fmt.Errorf("stats: record: %w", err)
	}
	return err
}

// size is the space the records take in the file: its pages in use, not
// the free ones a pruning left, which new records fill first.
func (s *Store) size() int64 {
	var n int64
	_ = s.guard("size", func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			free := int64(s.db.Stats().FreePageN + s.db.Stats().PendingPageN)
			n = tx.Size() - free*int64(s.db.Info().PageSize)
			return nil
		})
	})
	return n
}

// Prune deletes the records older than the store's retention, counted back
// from now, and the hashes of the presses as old; it returns how many went.
// It deletes in small transactions, so recording goes on meanwhile.
func (s *Store) Prune(ctx context.Context, now time.Time) (int, error) {
	if s.opts.Retention <= 0 {
		return 0, nil
	}
	before := timeKey(now.Add(-s.opts.Retention))
	const chunk = 1000
	total := 0
	for _, name := range append(slices.Clone(timeBuckets), pressedBucket) {
		for {
			if err := ctx.Err(); err != nil {
				return total, err
			}
			n, more := 0, false
			err := s.guard("prune", func() error {
				return s.db.Update(func(tx *bolt.Tx) error {
					b := tx.Bucket(name)
					c := b.Cursor()
					for k, v := c.First(); k != nil; k, v = c.Next() {
						old := bytes.Compare(k, before) < 0
						if bytes.Equal(name, pressedBucket) {
							old = bytes.Compare(v, before) < 0
						} else if !old {
							return nil // keyed by time: the rest is newer
						}
						if !old {
							continue
						}
						if n == chunk {
							more = true
							return nil
						}
						if err := c.Delete(); err != nil {
							return err
						}
						n++
					}
					return nil
				})
			})
			total += n
			if err != nil {
				return total, fmt.Errorf("stats: prune: %w", err)
			}
			if !more {
				break
			}
		}
	}
	return total, nil
}

// timeKey encodes at so that byte order is time order, before 1970 too.
func timeKey(at time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())^(1<<63))
}

// Count is how often something was asked or pressed.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Report is what people asked in a period.
type Report struct {
	Since, Until time.Time
	// Answered counts the answered questions; Topics are the most asked
	// topics and Kinds the answers by kind, most first.
	Answered int
	Topics   []Count
	Kinds    []Count
	// Unanswered counts the questions that found nothing; Questions are
	// the most frequent of them, most first.
	Unanswered int
	Questions  []Count
	// Up and Down count the 👍 and 👎 pressed; Disliked are the results
	// with the most 👎.
	Up, Down int
	Disliked []Count
}

// Report summarises the records from since up to but not including until.
// A zero since reads from the first record, a zero until to the last. Topics,
// Questions and Disliked hold at most n entries each, all if n <= 0; ties
// are in the order of their text.
func (s *Store) Report(ctx context.Context, since, until time.Time, n int) (Report, error) {
	r := Report{Since: since, Until: until}
	topics, kinds, questions, disliked := counter{}, counter{}, counter{}, counter{}
	read := func(tx *bolt.Tx) error {
		err := scan(ctx, tx.Bucket(answersBucket), since, until, func(v []byte) error {
			var a answer
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			r.Answered++
			kinds[a.Kind]++
			if a.Topic != "" {
				topics[a.Topic]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = scan(ctx, tx.Bucket(unansweredBucket), since, until, func(v []byte) error {
			r.Unanswered++
			questions[string(v)]++
			return nil
		})
		if err != nil {
			return err
		}
		return scan(ctx, tx.Bucket(feedbackBucket), since, until, func(v []byte) error {
			var f feedback
			if err := json.Unmarshal(v, &f); err != nil {
				return err
			}
			if f.Up {
				r.Up++
			} else {
				r.Down++
				disliked[f.Result]++
			}
			return nil
		})
	}
	err := s.guard("report", func() error { return s.db.View(read) })
	if errors.Is(err, ErrDamaged) {
		return Report{}, err
	}
	if err != nil {
		return Report{}, fmt.Errorf("stats: report: %w", err)
	}
	r.Topics = topics.top(n)
	r.Kinds = kinds.top(0)
	r.Questions = questions.top(n)
	r.Disliked = disliked.top(n)
	return r, nil
}

// scan calls f with each value of b recorded in [since, until).
func scan(ctx context.Context, b *bolt.Bucket, since, until time.Time, f func(v []byte) error) error {
	c := b.Cursor()
	k, v := c.First()
	if !since.IsZero() {
		k, v = c.Seek(timeKey(since))
	}
	var end []byte
	if !until.IsZero() {
		end = timeKey(until)
	}
	for ; k != nil; k, v = c.Next() {
		if end != nil && bytes.Compare(k, end) >= 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(v); err != nil {
			return err
		}
	}
	return nil
}

// counter counts strings.
type counter map[string]int

// top returns the n most counted, most first, ties in text order; all if
// n <= 0.
func (c counter) top(n int) []Count {
	out := make([]Count, 0, len(c))
	for k, v := range c {
		out = append(out, Count{Key: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// clean makes s safe to store and show: valid UTF-8, no control or format
// characters, space runs made one, at most MaxText runes.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxText {
		s = string([]rune(s)[:MaxText])
	}
	return s
}

// String renders the report as plain text in Chinese, for a terminal or a
// log; the bot may render the fields its own way.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "统计：%s 至 %s\n", when(r.Since, "开始"), when(r.Until, "现在"))
	fmt.Fprintf(&b, "回答 %d 次，未能回答 %d 次；👍 %d，👎 %d\n", r.Answered, r.Unanswered, r.Up, r.Down)
	list := func(title string, cs []Count) {
		if len(cs) == 0 {
			return
		}
		b.WriteString(title + "\n")
		for i, c := range cs {
			fmt.Fprintf(&b, "  %d. %s（%d）\n", i+1, c.Key, c.N)
		}
	}
	list("最常问的主题：", r.Topics)
	list("按回答类型：", r.Kinds)
	list("未能回答的问题：", r.Questions)
	list("👎 最多的回答：", r.Disliked)
	return b.String()
}

// when formats t, or says what a zero t means.
func when(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.Format("2006-01-02 15:04")
}
