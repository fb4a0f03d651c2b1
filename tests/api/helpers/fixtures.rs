//! Records most tests need before they start: people, made the way the HR feed makes them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{PEOPLE, TestApp, json_body, text};

impl TestApp {
    /// Records a member of staff of `org` through the people API, as its HR integration, with
    /// `extra` fields over the minimal body; returns their id. A token whose subject is
    /// `external_id` then acts as this person.
    pub async fn record_person(&self, org: &str, external_id: &str, extra: Value) -> String {
        let integrator = self.token(org, &["integrator"], "hr-system");
        let mut body = json!({
            "kind": "staff",
            "external_id": external_id,
            "given_name": "Jo",
            "family_name": "Bloggs",
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
        let response = self.post_json(PEOPLE, Some(&integrator), &body).await;
        text(&json_body(response, StatusCode::CREATED).await, "id")
    }
}
