//! Tables as diesel sees them, written once for both backends in their common types: text
//! UUIDs, naive-UTC timestamps, big integers, text and booleans.

diesel::table! {
    organisations (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        created_at -> Timestamp,
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
    ticket_sequences,
    tickets,
    ticket_comments
);
