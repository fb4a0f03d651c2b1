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
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
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
        published_by_id -> Nullable<Text>,
        published_by_account -> Nullable<Text>,
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
        requester_id -> Nullable<Text>,
        requester_account -> Nullable<Text>,
        raised_by_id -> Nullable<Text>,
        raised_by_account -> Nullable<Text>,
        assigned_team -> Nullable<Text>,
        assigned_agent_id -> Nullable<Text>,
        assigned_agent_account -> Nullable<Text>,
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
        author_id -> Nullable<Text>,
        author_account -> Nullable<Text>,
        visibility -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        org_id -> Text,
        kind -> Text,
        external_id -> Nullable<Text>,
        given_name -> Text,
        family_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        date_of_birth -> Nullable<Date>,
        clearance -> Text,
        starts_on -> Nullable<Date>,
        leaves_on -> Nullable<Date>,
        status -> Text,
        hr_effective_date -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    person_adjustments (person_id) {
        person_id -> Text,
        org_id -> Text,
        reasonable_adjustments -> Text,
        condition -> Text,
        recorded_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    accounts (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        kind -> Text,
        system -> Text,
        identifier -> Text,
        status -> Text,
        approved_by -> Nullable<Text>,
        granted_at -> Nullable<Timestamp>,
        removed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    account_changes (id) {
        id -> Text,
        account_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    assets (id) {
        id -> Text,
        org_id -> Text,
        kind -> Text,
        tag -> Text,
        serial -> Nullable<Text>,
        model -> Nullable<Text>,
        seats -> Nullable<BigInt>,
        active_assignments -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    asset_assignments (id) {
        id -> Text,
        asset_id -> Text,
        org_id -> Text,
        person_id -> Text,
        requested_by -> Text,
        status -> Text,
        approved_by -> Nullable<Text>,
        requested_at -> Timestamp,
        approved_at -> Nullable<Timestamp>,
        issued_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    assignment_changes (id) {
        id -> Text,
        assignment_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    hr_sync_requests (org_id, idempotency_key) {
        org_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> BigInt,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        purpose_id -> Text,
        notice_version -> Nullable<BigInt>,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    survey_answers (id) {
        id -> Text,
        org_id -> Text,
        ticket_id -> Text,
        respondent -> Text,
        consent_id -> Text,
        team -> Nullable<Text>,
        rating -> Nullable<BigInt>,
        comment -> Nullable<Text>,
        answered_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    directory_profiles (person_id) {
        person_id -> Text,
        org_id -> Text,
        user_name -> Text,
        user_name_key -> Text,
        employee_number -> Nullable<Text>,
        department -> Nullable<Text>,
        manager_id -> Nullable<Text>,
        active -> Bool,
        deprovisioned_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(ticket_sequences -> organisations (org_id));
diesel::joinable!(tickets -> organisations (org_id));
diesel::joinable!(ticket_comments -> tickets (ticket_id));
diesel::joinable!(people -> organisations (org_id));
diesel::joinable!(accounts -> people (person_id));
diesel::joinable!(asset_assignments -> assets (asset_id));
diesel::joinable!(asset_assignments -> people (person_id));
diesel::joinable!(survey_answers -> consents (consent_id));
diesel::joinable!(directory_profiles -> organisations (org_id));
diesel::joinable!(directory_profiles -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    register_entries,
    register_changes,
    privacy_notices,
    ticket_sequences,
    tickets,
    ticket_comments,
    people,
    person_adjustments,
    accounts,
    account_changes,
    assets,
    asset_assignments,
    assignment_changes,
    hr_sync_requests,
    consents,
    survey_answers,
    rights_requests,
    directory_profiles,
    rectifications,
    recipient_notices,
    restrictions
);

diesel::table! {
    audit_pseudonym_keys (org_id) {
        org_id -> Text,
        secret -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_signing_keys (org_id) {
        org_id -> Text,
        private_key -> Binary,
        public_key -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_chains (org_id) {
        org_id -> Text,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        org_id -> Text,
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        operation -> Text,
        record_kind -> Text,
        record_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_subject_marks (org_id) {
        org_id -> Text,
        indexed_seq -> BigInt,
        pass_upto -> Nullable<BigInt>,
        pass_done_through -> Nullable<Text>,
    }
}

diesel::table! {
    audit_subject_postings (org_id, subject, seq) {
        org_id -> Text,
        subject -> Text,
        seq -> BigInt,
    }
}

diesel::table! {
    audit_checkpoints (org_id, seq) {
        org_id -> Text,
        seq -> BigInt,
        hash -> Text,
        at -> Timestamp,
        signature -> Text,
    }
}

diesel::table! {
    duty_grants (id) {
        id -> Text,
        org_id -> Text,
        duty -> Text,
        subject_id -> Nullable<Text>,
        subject_account -> Nullable<Text>,
        granted_by_id -> Nullable<Text>,
        granted_by_account -> Nullable<Text>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    disclosures (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        recipient_id -> Text,
        disclosed_at -> Timestamp,
        basis -> Text,
        explanation -> Nullable<Text>,
        data_categories -> Text,
        description -> Text,
        reference -> Nullable<Text>,
        recorded_by_id -> Nullable<Text>,
        recorded_by_account -> Nullable<Text>,
        recorded_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    rights_requests (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        right_kind -> Text,
        channel -> Text,
        nation -> Text,
        received_at -> Timestamp,
        due_on -> Date,
        acknowledge_by -> Nullable<Date>,
        status -> Text,
        logged_by_id -> Nullable<Text>,
        logged_by_account -> Nullable<Text>,
        logged_at -> Timestamp,
        extended_due_on -> Nullable<Date>,
    }
}

diesel::table! {
    rights_request_steps (id) {
        id -> Text,
        request_id -> Text,
        kind -> Text,
        occurred_at -> Timestamp,
        months -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        ground -> Nullable<Text>,
        reasons -> Nullable<Text>,
        letter -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    disclosure_versions (id) {
        id -> Text,
        disclosure_id -> Text,
        version -> BigInt,
        facts -> Text,
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    person_changes (person_id, version) {
        person_id -> Text,
        version -> BigInt,
        org_id -> Text,
        action -> Text,
        actor_id -> Nullable<Text>,
        actor_account -> Nullable<Text>,
        at -> Timestamp,
        before_body -> Nullable<Text>,
        after_body -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    rectifications (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        request_id -> Text,
        corrected -> Text,
        person_version -> Nullable<BigInt>,
        supplementary_statement -> Nullable<Text>,
        rectified_at -> Timestamp,
        rectified_by_id -> Nullable<Text>,
        rectified_by_account -> Nullable<Text>,
    }
}

diesel::table! {
    recipient_notices (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        recipient_id -> Text,
        action -> Text,
        request_id -> Nullable<Text>,
        items -> Text,
        notice -> Text,
        notified_at -> Timestamp,
        notified_by_id -> Nullable<Text>,
        notified_by_account -> Nullable<Text>,
    }
}

diesel::table! {
    restrictions (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        ground -> Text,
        request_id -> Text,
        purposes -> Text,
        placed_at -> Timestamp,
        placed_by_id -> Nullable<Text>,
        placed_by_account -> Nullable<Text>,
        lifted_at -> Nullable<Timestamp>,
        lifted_by_id -> Nullable<Text>,
        lifted_by_account -> Nullable<Text>,
        lift_reason -> Nullable<Text>,
        lifting_notice -> Nullable<Text>,
    }
}

diesel::table! {
    restriction_exceptions (id) {
        id -> Text,
        org_id -> Text,
        restriction_id -> Text,
        ground -> Text,
        allows -> Text,
        note -> Text,
        ends_at -> Nullable<Timestamp>,
        recorded_at -> Timestamp,
        recorded_by_id -> Nullable<Text>,
        recorded_by_account -> Nullable<Text>,
    }
}

diesel::table! {
    retention_sweeps (id) {
        id -> Text,
        org_id -> Text,
        status -> Text,
        started_by_id -> Nullable<Text>,
        started_by_account -> Nullable<Text>,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        failure -> Nullable<Text>,
    }
}

diesel::table! {
    retention_sweep_policies (sweep_id, policy_id) {
        sweep_id -> Text,
        org_id -> Text,
        policy_id -> Text,
        position -> BigInt,
        trigger_event -> Text,
        period -> Text,
        action -> Text,
        purposes -> Text,
        holdings -> Text,
        last_person_id -> Nullable<Text>,
        finished -> Bool,
        acted -> BigInt,
        blocked -> BigInt,
    }
}

diesel::table! {
    retention_sweep_blocked (sweep_id, policy_id, person_id) {
        sweep_id -> Text,
        org_id -> Text,
        policy_id -> Text,
        person_id -> Text,
        blockers -> Text,
    }
}

diesel::table! {
    retention_actions (org_id, policy_id, person_id) {
        org_id -> Text,
        policy_id -> Text,
        person_id -> Text,
        sweep_id -> Text,
        action -> Text,
        ticket_id -> Nullable<Text>,
        acted_at -> Timestamp,
    }
}

diesel::table! {
    retention_sweep_leases (org_id) {
        org_id -> Text,
        sweep_id -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audit_events, audit_subject_postings);

diesel::table! {
    erasure_ledger (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Text,
        scope -> Nullable<Text>,
        cause -> Text,
        cause_id -> Text,
        report -> Text,
        erased_at -> Timestamp,
        scrubbed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    legal_holds (id) {
        id -> Text,
        org_id -> Text,
        person_id -> Nullable<Text>,
        ticket_id -> Nullable<Text>,
        reason -> Text,
        placed_at -> Timestamp,
        placed_by_id -> Nullable<Text>,
        placed_by_account -> Nullable<Text>,
        released_at -> Nullable<Timestamp>,
        released_by_id -> Nullable<Text>,
        released_by_account -> Nullable<Text>,
        release_reason -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(legal_holds, tickets);
