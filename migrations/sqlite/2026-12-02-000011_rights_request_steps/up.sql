-- What happens to a rights request after it is received, one row a step: the controller asked
-- for identity (Art 12(6)) or clarification (Art 12A) and when it came, extended the time to
-- respond (Art 12(3)), acknowledged a complaint (DPA 2018 s.164A), gave the outcome. Each row
-- says who recorded it and when, and keeps what the person was told (the extension notice, the
-- Art 12(4) reasons for a refusal) as it was sent. The request's status and deadlines follow
-- from its steps; the request row keeps them for the DPO's queue.
CREATE TABLE rights_request_steps (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES rights_requests (id),
    kind TEXT NOT NULL,
    -- When it happened: now, or earlier for a step logged after the fact.
    occurred_at TIMESTAMP NOT NULL,
    -- An extension's further months.
    months BIGINT,
    -- The outcome, and for a refusal in whole or in part its ground.
    outcome TEXT,
    ground TEXT,
    -- An extension's or a refusal's reasons, as the DPO wrote them.
    reasons TEXT,
    -- What the person was told, as generated.
    letter TEXT,
    actor_id TEXT REFERENCES people (id),
    actor_account TEXT,
    recorded_at TIMESTAMP NOT NULL,
    CHECK ((actor_id IS NULL) <> (actor_account IS NULL))
);
CREATE INDEX rights_request_steps_request ON rights_request_steps (request_id, recorded_at, id);
CREATE INDEX rights_request_steps_actor_account ON rights_request_steps (actor_account) WHERE actor_account IS NOT NULL;

-- Art 12(3): the day the response is due once the time is extended; null until it is.
ALTER TABLE rights_requests ADD COLUMN extended_due_on DATE;
