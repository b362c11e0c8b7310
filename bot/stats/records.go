package stats

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The types of Record.
const (
	TypeAnswer     = "answer"
	TypeUnanswered = "unanswered"
	TypeFeedback   = "feedback"
	TypeChatPlan   = "chat_plan"
	// TypePressed is who pressed a 👍/👎 under what, as its salted hash;
	// TypeSalt the store's salt of those hashes.
	TypePressed = "pressed"
	TypeSalt    = "salt"
)

// Record is one thing a store keeps, in the form `planbot stats -export`
// writes and -import reads: one JSON object a line. Both stores export
// and import the same records, so a bbolt store moves into PostgreSQL
// (and back) without loss; times keep microseconds, PostgreSQL's
// precision. The salt and the hashes of who pressed go along, so that a
// press counted before the move is not counted again after it: a store
// that holds no presses yet takes the imported salt (replicas that have
// the database open keep theirs until they restart; import before
// serving). The file is as private as the store.
type Record struct {
	Type string    `json:"type"`
	At   time.Time `json:"at"`
	// Kind and Topic of an answer.
	Kind  string `json:"kind,omitempty"`
	Topic string `json:"topic,omitempty"`
	// Question not answered.
	Question string `json:"question,omitempty"`
	// Result and Up of a 👍 (Up) or 👎.
	Result string `json:"result,omitempty"`
	Up     bool   `json:"up,omitempty"`
	// Chat and its chosen Plan.
	Chat int64  `json:"chat,omitempty"`
	Plan string `json:"plan,omitempty"`
	// Hash of a press, or the salt, in hex.
	Hash string `json:"hash,omitempty"`
}

// hashBytes decodes the Hash of a pressed or salt record.
func (r Record) hashBytes() []byte {
	b, _ := hex.DecodeString(r.Hash)
	return b
}

// checkRecords rejects a record no store could have written.
func checkRecords(recs []Record) error {
	for i, r := range recs {
		switch {
		case r.Type != TypeAnswer && r.Type != TypeUnanswered && r.Type != TypeFeedback && r.Type != TypeChatPlan &&
			r.Type != TypePressed && r.Type != TypeSalt:
			return fmt.Errorf("stats: import: record %d: unknown type %q", i+1, r.Type)
		case r.At.IsZero() && r.Type != TypeSalt:
			return fmt.Errorf("stats: import: record %d: no time", i+1)
		case r.Type == TypePressed && len(r.hashBytes()) != 16, r.Type == TypeSalt && len(r.hashBytes()) < 16:
			return fmt.Errorf("stats: import: record %d: not a hash", i+1)
		case r.Type == TypeUnanswered && r.Question == "":
			return fmt.Errorf("stats: import: record %d: no question", i+1)
		case r.Type == TypeChatPlan && r.Plan == "":
			return fmt.Errorf("stats: import: record %d: no plan", i+1)
		}
	}
	return nil
}

// Counts are how many records a store holds, by type (the salt aside).
type Counts struct {
	Answers    int `json:"answers"`
	Unanswered int `json:"unanswered"`
	Feedback   int `json:"feedback"`
	ChatPlans  int `json:"chat_plans"`
	Presses    int `json:"presses"`
}

// Add counts one more record of r's type.
func (c *Counts) Add(r Record) {
	switch r.Type {
	case TypeAnswer:
		c.Answers++
	case TypeUnanswered:
		c.Unanswered++
	case TypeFeedback:
		c.Feedback++
	case TypeChatPlan:
		c.ChatPlans++
	case TypePressed:
		c.Presses++
	}
}

// Total is the number of records.
func (c Counts) Total() int {
	return c.Answers + c.Unanswered + c.Feedback + c.ChatPlans + c.Presses
}

func (c Counts) String() string {
	return fmt.Sprintf("answers %d, unanswered %d, feedback %d, chat plans %d, presses %d",
		c.Answers, c.Unanswered, c.Feedback, c.ChatPlans, c.Presses)
}

var chatPlansBucket = []byte("chat_plans")

// chatPlan is a stored choice of plan.
type chatPlan struct {
	Plan string    `json:"p"`
	At   time.Time `json:"at"`
}

func chatKey(chat int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(chat)^(1<<63))
}

// ChatPlan is the plan chat chose; false when it chose none.
func (s *Store) ChatPlan(ctx context.Context, chat int64) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	var c chatPlan
	var found bool
	err := s.guard("chat plan", func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			v := tx.Bucket(chatPlansBucket).Get(chatKey(chat))
			if v == nil {
				return nil
			}
			found = true
			return json.Unmarshal(v, &c)
		})
	})
	if err != nil {
		return "", false, fmt.Errorf("stats: chat plan: %w", err)
	}
	return c.Plan, found, nil
}

// SetChatPlan keeps plan as chat's choice; an empty plan forgets it.
func (s *Store) SetChatPlan(ctx context.Context, chat int64, plan string) error {
	return s.setChatPlan(ctx, chat, clean(plan), time.Now())
}

func (s *Store) setChatPlan(ctx context.Context, chat int64, plan string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.guard("chat plan", func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(chatPlansBucket)
			if plan == "" {
				return b.Delete(chatKey(chat))
			}
			v, err := json.Marshal(chatPlan{Plan: plan, At: at.UTC().Truncate(time.Microsecond)})
			if err != nil {
				return err
			}
			return b.Put(chatKey(chat), v)
		})
	})
	if err != nil {
		return fmt.Errorf("stats: set chat plan: %w", err)
	}
	return nil
}

// Counts counts the records of each type.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.guard("count", func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			c.Answers = tx.Bucket(answersBucket).Stats().KeyN
			c.Unanswered = tx.Bucket(unansweredBucket).Stats().KeyN
			c.Feedback = tx.Bucket(feedbackBucket).Stats().KeyN
			c.ChatPlans = tx.Bucket(chatPlansBucket).Stats().KeyN
			c.Presses = tx.Bucket(pressedBucket).Stats().KeyN
			return ctx.Err()
		})
	})
	if err != nil {
		return Counts{}, fmt.Errorf("stats: count: %w", err)
	}
	return c, nil
}

// keyTime is the time a record's key holds, to the microsecond, as
// PostgreSQL keeps it.
func keyTime(k []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])^(1<<63))).UTC().Truncate(time.Microsecond)
}

// Export calls yield with every record, by type and then in time order.
func (s *Store) Export(ctx context.Context, yield func(Record) error) error {
	err := s.guard("export", func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			if err := yield(Record{Type: TypeSalt, Hash: hex.EncodeToString(tx.Bucket(metaBucket).Get(saltKey))}); err != nil {
				return err
			}
			each := func(name []byte, f func(k, v []byte) (Record, error)) error {
				return tx.Bucket(name).ForEach(func(k, v []byte) error {
					if err := ctx.Err(); err != nil {
						return err
					}
					r, err := f(k, v)
					if err != nil {
						return err
					}
					return yield(r)
				})
			}
			err := each(answersBucket, func(k, v []byte) (Record, error) {
				var a answer
				err := json.Unmarshal(v, &a)
				return Record{Type: TypeAnswer, At: keyTime(k), Kind: a.Kind, Topic: a.Topic}, err
			})
			if err != nil {
				return err
			}
			err = each(unansweredBucket, func(k, v []byte) (Record, error) {
				return Record{Type: TypeUnanswered, At: keyTime(k), Question: string(v)}, nil
			})
			if err != nil {
				return err
			}
			err = each(feedbackBucket, func(k, v []byte) (Record, error) {
				var f feedback
				err := json.Unmarshal(v, &f)
				return Record{Type: TypeFeedback, At: keyTime(k), Result: f.Result, Up: f.Up}, err
			})
			if err != nil {
				return err
			}
			err = each(pressedBucket, func(k, v []byte) (Record, error) {
				return Record{Type: TypePressed, At: keyTime(v), Hash: hex.EncodeToString(k)}, nil
			})
			if err != nil {
				return err
			}
			return each(chatPlansBucket, func(k, v []byte) (Record, error) {
				var c chatPlan
				err := json.Unmarshal(v, &c)
				chat := int64(binary.BigEndian.Uint64(k) ^ (1 << 63))
				return Record{Type: TypeChatPlan, At: c.At.UTC(), Chat: chat, Plan: c.Plan}, err
			})
		})
	})
	if err != nil {
		return fmt.Errorf("stats: export: %w", err)
	}
	return nil
}

// Import adds recs, all or none, as they are. A chat's plan replaces the
// one it had.
func (s *Store) Import(ctx context.Context, recs []Record) error {
	if err := checkRecords(recs); err != nil {
		return err
	}
	var salt []byte
	err := s.guard("import", func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			pressed := tx.Bucket(pressedBucket)
			noPresses := pressed.Stats().KeyN == 0
			for _, r := range recs {
				if err := ctx.Err(); err != nil {
					return err
				}
				var name, v []byte
				var err error
				switch r.Type {
				case TypeSalt:
					// Taken by a store without presses, so that the hashes
					// imported match the presses to come.
					if noPresses {
						salt = r.hashBytes()
						if err := tx.Bucket(metaBucket).Put(saltKey, salt); err != nil {
							return err
						}
					}
					continue
				case TypePressed:
					if err := pressed.Put(r.hashBytes(), timeKey(r.At)); err != nil {
						return err
					}
					continue
				case TypeAnswer:
					name = answersBucket
					v, err = json.Marshal(answer{Kind: r.Kind, Topic: r.Topic})
				case TypeUnanswered:
					name, v = unansweredBucket, []byte(r.Question)
				case TypeFeedback:
					name = feedbackBucket
					v, err = json.Marshal(feedback{Result: r.Result, Up: r.Up})
				case TypeChatPlan:
					v, err = json.Marshal(chatPlan{Plan: r.Plan, At: r.At.UTC()})
					if err == nil {
						err = tx.Bucket(chatPlansBucket).Put(chatKey(r.Chat), v)
					}
					if err != nil {
						return err
					}
					continue
				}
				if err != nil {
					return err
				}
				b := tx.Bucket(name)
				seq, err := b.NextSequence()
				if err != nil {
					return err
				}
				if err := b.Put(binary.BigEndian.AppendUint64(timeKey(r.At), seq), v); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("stats: import: %w", err)
	}
	if salt != nil {
		s.salt = salt
	}
	return nil
}
