-- Legal holds: a person's data, or one ticket, kept from erasure and retention actions while a
-- claim, an investigation or a duty to preserve it stands (Art 17(3)(b), (e)). On exactly one of
-- a person and a ticket; why it was placed, by whom and when; and, once released, when, by whom
-- and why.
CREATE TABLE legal_holds (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations (id),
    person_id TEXT COLLATE "C" REFERENCES people (id),
    ticket_id TEXT COLLATE "C" REFERENCES tickets (id),
    reason TEXT NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    placed_by_id TEXT COLLATE "C" REFERENCES people (id),
    placed_by_account TEXT,
    released_at TIMESTAMP,
    released_by_id TEXT COLLATE "C" REFERENCES people (id),
    released_by_account TEXT,
    release_reason TEXT,
    CHECK ((person_id IS NULL) <> (ticket_id IS NULL)),
    CHECK ((placed_by_id IS NULL) <> (placed_by_account IS NULL)),
    CHECK ((released_at IS NULL) = (release_reason IS NULL)),
    CHECK (released_at IS NOT NULL OR (released_by_id IS NULL AND released_by_account IS NULL)),
    CHECK (released_at IS NULL OR ((released_by_id IS NULL) <> (released_by_account IS NULL)))
);
CREATE INDEX legal_holds_org ON legal_holds (org_id, id);
-- Holds in force are few: what blocks erasing anyone is found among them.
CREATE INDEX legal_holds_in_force ON legal_holds (org_id, id) WHERE released_at IS NULL;
-- What blocks erasing a person: the holds in force on them and on their tickets.
CREATE INDEX legal_holds_person ON legal_holds (org_id, person_id, id) WHERE person_id IS NOT NULL;
CREATE INDEX legal_holds_ticket ON legal_holds (org_id, ticket_id, id) WHERE ticket_id IS NOT NULL;
-- Subject access finds the holds a person placed or released (every party column, by the
-- organisation and in key order).
CREATE INDEX legal_holds_org_placed_by_id ON legal_holds (org_id, placed_by_id, id) WHERE placed_by_id IS NOT NULL;
CREATE INDEX legal_holds_org_placed_by_account ON legal_holds (org_id, placed_by_account, id) WHERE placed_by_account IS NOT NULL;
CREATE INDEX legal_holds_org_released_by_id ON legal_holds (org_id, released_by_id, id) WHERE released_by_id IS NOT NULL;
CREATE INDEX legal_holds_org_released_by_account ON legal_holds (org_id, released_by_account, id) WHERE released_by_account IS NOT NULL;
