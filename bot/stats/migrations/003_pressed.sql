-- A 👍/👎 counts once per message and user. Who pressed is kept only as a
-- hash salted with a secret of this database (meta 'salt'), as long as the
-- records are.
CREATE TABLE pressed (
	hash bytea PRIMARY KEY,
	at   timestamptz NOT NULL
);
CREATE INDEX pressed_at ON pressed (at);

CREATE TABLE meta (
	key   text PRIMARY KEY,
	value bytea NOT NULL
);
