-- What people ask, as the bbolt store keeps it: one row a record.
CREATE TABLE answers (
	id    bigserial PRIMARY KEY,
	at    timestamptz NOT NULL,
	kind  text NOT NULL,
	topic text NOT NULL
);
CREATE INDEX answers_at ON answers (at);

CREATE TABLE unanswered (
	id       bigserial PRIMARY KEY,
	at       timestamptz NOT NULL,
	question text NOT NULL
);
CREATE INDEX unanswered_at ON unanswered (at);

CREATE TABLE feedback (
	id     bigserial PRIMARY KEY,
	at     timestamptz NOT NULL,
	result text NOT NULL,
	up     boolean NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);
