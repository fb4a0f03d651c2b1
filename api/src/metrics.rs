//! Request counts and latency histograms per route and status, in Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Keyed by (method, route pattern, status): route patterns, never raw paths, so ids do not
/// multiply series and nothing personal reaches the metrics.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    /// Records one answer. Takes the labels by value: the caller has no further use for them,
    /// so nothing is copied on this per-request path.
    pub fn observe(&self, method: String, route: String, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let entry = series.entry((method, route, status)).or_default();
        entry.count += 1;
        entry.sum += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    pub fn render(&self) -> String {
        let snapshot = self.series.lock().map(|s| s.clone()).unwrap_or_default();
        let mut out = String::new();
        out.push_str("# HELP http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        for ((method, route, status), s) in &snapshot {
            let _ = writeln!(
                out,
                "http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in &snapshot {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.observe(
            "GET".into(),
            "/api/v1/tickets/{id}".into(),
            200,
            Duration::from_millis(3),
        );
        metrics.observe(
            "GET".into(),
            "/api/v1/tickets/{id}".into(),
            200,
            Duration::from_millis(30),
        );
        let text = metrics.render();
        assert!(text.contains(
            "http_requests_total{method=\"GET\",route=\"/api/v1/tickets/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.05\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }
}
