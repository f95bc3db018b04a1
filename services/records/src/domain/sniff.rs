//! [`sniff`]: what a document is, from its first bytes only. The uploader's declared type
//! and file name are never consulted: a program or a web page renamed `.pdf` is still a
//! program or a web page, and is refused.
//!
//! Accepted: PDF, PNG, JPEG by their signatures, and UTF-8 text without NUL or other binary
//! control characters that does not open like markup (`<`, after any BOM and whitespace), so
//! an HTML or SVG page never comes back as "text". Downloads are also served with `nosniff`
//! and as attachments, so a browser never renders one.
//!
//! Not accepted (yet): office documents. DOCX and friends are ZIP archives, and a ZIP proves
//! nothing about its members without reading its directory; that is left for a later change.

use tp_records_api::documents::MediaType;

const PDF: &[u8] = b"%PDF-";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff";
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The media type of `content`, or `None` when it is none of the accepted ones.
pub fn sniff(content: &[u8]) -> Option<MediaType> {
    if content.starts_with(PDF) {
        Some(MediaType::Pdf)
    } else if content.starts_with(PNG) {
        Some(MediaType::Png)
    } else if content.starts_with(JPEG) {
        Some(MediaType::Jpeg)
    } else if is_plain_text(content) {
        Some(MediaType::Text)
    } else {
        None
    }
}

fn is_plain_text(content: &[u8]) -> bool {
    let body = content.strip_prefix(UTF8_BOM).unwrap_or(content);
    let Ok(text) = std::str::from_utf8(body) else { return false };
    let binary = text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    let markup = text.trim_start().starts_with('<');
    !text.trim().is_empty() && !binary && !markup
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_types_are_recognised_by_their_signature() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(MediaType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(MediaType::Jpeg));
        assert_eq!(sniff("Zürich notes\r\n\tline two".as_bytes()), Some(MediaType::Text));
        assert_eq!(sniff(b"\xef\xbb\xbfwith a BOM"), Some(MediaType::Text));
    }

    #[test]
    fn programs_pages_archives_and_binary_are_refused() {
        let refused: [(&str, &[u8]); 10] = [
            ("PE", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"),
            ("ELF", b"\x7fELF\x02\x01\x01\0"),
            ("HTML", b"<!DOCTYPE html><html><script>alert(1)</script>"),
            ("HTML after whitespace", b"\n  <html>"),
            ("HTML after a BOM", b"\xef\xbb\xbf<html>"),
            ("SVG", b"<?xml version=\"1.0\"?><svg/>"),
            ("ZIP", b"PK\x03\x04\x14\0\0\0"),
            ("not UTF-8", b"caf\xe9"),
            ("NUL in text", b"text\0more"),
            ("whitespace only", b" \n\t "),
        ];
        for (what, content) in refused {
            assert_eq!(sniff(content), None, "{what}");
        }
        assert_eq!(sniff(b""), None);
    }
}
