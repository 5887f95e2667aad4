//! Real, valid deck files for the fakes to serve: a PPTX (the one a real self-hosted Presenton
//! server returned), a PDF and a PNG, so the client's content checks see what the services send.

/// A 5-slide PPTX captured from Presenton 0.7.3.
pub const PPTX: &[u8] = include_bytes!("../fixtures/presenton-selfhost-0.7.3/deck-5-slides.pptx");

/// A PNG (the app icon, 128 px).
pub const PNG: &[u8] = include_bytes!("../../icons/128x128.png");

/// A small, valid one-page PDF with `title` on the page. Offsets in the xref table are computed,
/// so PDF readers open it without repair.
pub fn pdf(title: &str) -> Vec<u8> {
    let safe: String = title.chars().filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\')).take(80).collect();
    let stream = format!("BT /F1 24 Tf 72 720 Td ({safe}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    pdf_of(&objects.map(String::into_bytes))
}

/// A PDF of these objects (object 1 the catalog) with a correct cross-reference table; the
/// objects may be anything, hostile ones included.
pub fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

/// The file for a format name (`pptx`, `pdf`, `png`).
pub fn for_format(format: &str, title: &str) -> Vec<u8> {
    match format {
        "pdf" => pdf(title),
        "png" => PNG.to_vec(),
        _ => PPTX.to_vec(),
    }
}

/// An HTML error page of the kind a CDN or proxy returns with status 200.
pub const HTML_ERROR_PAGE: &str = "<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Request has expired</h1></body></html>";

#[cfg(test)]
mod tests {
    #[test]
    fn files_have_their_signatures() {
        assert!(super::PPTX.starts_with(b"PK\x03\x04"));
        assert!(super::PNG.starts_with(b"\x89PNG\r\n\x1a\n"));
        let pdf = super::pdf("Hello (world)");
        assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
    }
}
