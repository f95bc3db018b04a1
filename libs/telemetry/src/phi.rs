//! [`Phi<T>`]: a value that is protected health information.
//!
//! Its `Debug` and `Display` print `[redacted]`, so a `?field` in a log line, a `{:?}` in an
//! error, or a derived `Debug` on a struct holding PHI cannot leak it. Reading the value needs
//! an explicit `expose()`, which is easy to find in review. It is deliberately not `Serialize`:
//! putting PHI into a response is a decision made where the response is built, not by accident.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Phi<T>(T);

impl<T> Phi<T> {
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The protected value. Call sites of this are where PHI flows; keep them few.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Phi<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Debug)]
    #[expect(dead_code, reason = "fields are read only through Debug in this test")]
    struct Client {
        id: u32,
        name: Phi<String>,
    }

    #[test]
    fn debug_and_display_never_print_the_value() {
        let c = Client { id: 7, name: Phi::new("Jane Roe".to_owned()) };
        assert_eq!(format!("{c:?}"), r#"Client { id: 7, name: [redacted] }"#);
        assert_eq!(c.name.to_string(), "[redacted]");
        assert_eq!(c.name.expose(), "Jane Roe");
    }

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::ErrorKind::Other)?.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn phi_in_a_json_log_line_is_redacted() {
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
        let diagnosis = Phi::new("F32.1 major depressive disorder");
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(diagnosis = ?diagnosis, shown = %diagnosis, "chart updated");
        });
        let out = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(out.contains("chart updated"), "{out}");
        assert!(out.contains("[redacted]"), "{out}");
        assert!(!out.contains("F32.1") && !out.contains("depressive"), "PHI leaked: {out}");
    }
}
