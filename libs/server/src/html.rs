//! [`escape`]: text made safe to place in HTML, as element content or a quoted attribute
//! value. Every page a service renders (identity's sign-in pages and emails, records' HTML
//! export, the gateway's shared-records page) escapes through this one function.
//!
//! Not here: templates or sanitising HTML (nothing accepts HTML from a caller).

/// `&`, `<`, `>`, `"` and `'` replaced by their entities; everything else as it was.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quotes_become_entities_and_text_stays() {
        assert_eq!(escape("\"><script>&'"), "&quot;&gt;&lt;script&gt;&amp;&#39;");
        assert_eq!(escape("Zoë, 5 < 6"), "Zoë, 5 &lt; 6");
    }
}
