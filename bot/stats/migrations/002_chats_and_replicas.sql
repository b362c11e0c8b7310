-- Each chat's chosen plan.
CREATE TABLE chat_plans (
	chat_id bigint PRIMARY KEY,
	plan    text NOT NULL,
	at      timestamptz NOT NULL DEFAULT now()
);

-- The replicas alive: each writes its row every few seconds.
CREATE TABLE replicas (
	id      text PRIMARY KEY,
	seen_at timestamptz NOT NULL
);

-- The earliest time the next message may go to a chat, whichever replica
-- sends it.
CREATE TABLE chat_sends (
	chat_id bigint PRIMARY KEY,
	next_at timestamptz NOT NULL
);
