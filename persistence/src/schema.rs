//! Tables as diesel sees them, written once for both backends in their common types: text
//! UUIDs, naive-UTC timestamps, big integers, text and booleans.

diesel::table! {
    organisations (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
        register_version -> BigInt,
    }
}

diesel::table! {
    register_entries (id) {
        id -> Text,
        org_id -> Text,
        kind -> Text,
        party_org_id -> Nullable<Text>,
        body -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    register_changes (id) {
        id -> Text,
        org_id -> Text,
        kind -> Text,
        entry_id -> Text,
        party_org_id -> Nullable<Text>,
        version -> BigInt,
        action -> Text,
        actor -> Text,
        actor_org_id -> Text,
        at -> Timestamp,
        before_body -> Nullable<Text>,
        after_body -> Nullable<Text>,
    }
}

diesel::table! {
    privacy_notices (org_id, version) {
        org_id -> Text,
        version -> BigInt,
        effective_date -> Date,
        published_at -> Timestamp,
        published_by -> Text,
        content -> Text,
        changes -> Text,
    }
}

diesel::table! {
    ticket_sequences (org_id, kind) {
        org_id -> Text,
        kind -> Text,
        last_number -> BigInt,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        org_id -> Text,
        reference -> Text,
        kind -> Text,
        category -> Text,
        status -> Text,
        priority -> Text,
        title -> Text,
        description -> Text,
        requester -> Text,
        raised_by -> Text,
        assigned_team -> Nullable<Text>,
        assigned_agent -> Nullable<Text>,
        contains_special_category -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_comments (id) {
        id -> Text,
        ticket_id -> Text,
        author -> Text,
        visibility -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(ticket_sequences -> organisations (org_id));
diesel::joinable!(tickets -> organisations (org_id));
diesel::joinable!(ticket_comments -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    register_entries,
    register_changes,
    privacy_notices,
    ticket_sequences,
    tickets,
    ticket_comments
);
