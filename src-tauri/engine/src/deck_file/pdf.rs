//! What a PDF deck holds that shows it: its page count, and the largest picture placed on its
//! first page (a PDF's page is drawn, not stored as a picture; its pictures are).

use image::{DynamicImage, GrayImage, RgbImage};
use lopdf::Document;

/// PDFs above this are not opened for a picture (the whole file would be read).
const MAX_PDF_BYTES: usize = 64 * 1024 * 1024;
/// A raw picture stream whose pixels would need more than this is skipped.
const MAX_RAW_PIXELS: u64 = 24_000_000;

/// Pages in the PDF, from its page tree.
pub fn page_count(bytes: &[u8]) -> Option<u32> {
    Document::load_metadata_mem(bytes).ok().map(|m| m.page_count).filter(|n| *n > 0)
}

/// Pictures on the first page, largest first, as decodable images.
pub fn first_page_pictures(bytes: &[u8]) -> Vec<DynamicImage> {
    if bytes.len() > MAX_PDF_BYTES {
        return Vec::new();
    }
    let Ok(doc) = Document::load_mem(bytes) else { return Vec::new() };
    let Some((_, &page)) = doc.get_pages().iter().next() else { return Vec::new() };
    let mut images = doc.get_page_images(page).unwrap_or_default();
    images.sort_by_key(|i| std::cmp::Reverse(i.width.max(0) * i.height.max(0)));
    images
        .iter()
        .filter_map(|img| {
            let filters = img.filters.clone().unwrap_or_default();
            match filters.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                // A JPEG, stored as it is.
                ["DCTDecode"] => super::picture::decode(img.content),
                // Plain 8-bit pixels, usually deflated.
                [] | ["FlateDecode"] => {
                    let stream = doc.get_object(img.id).ok()?.as_stream().ok()?;
                    let pixels = if filters.is_empty() { stream.content.clone() } else { stream.decompressed_content().ok()? };
                    raw(img.width, img.height, img.color_space.as_deref(), img.bits_per_component, pixels)
                }
                _ => None,
            }
        })
        .collect()
}

fn raw(width: i64, height: i64, color_space: Option<&str>, bits: Option<i64>, pixels: Vec<u8>) -> Option<DynamicImage> {
    let (w, h) = (u32::try_from(width).ok()?, u32::try_from(height).ok()?);
    if bits != Some(8) || w as u64 * h as u64 > MAX_RAW_PIXELS {
        return None;
    }
    let img = match color_space {
        Some("DeviceRGB") => DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, pixels)?),
        Some("DeviceGray") => DynamicImage::ImageLuma8(GrayImage::from_raw(w, h, pixels)?),
        _ => return None,
    };
    (w >= 64 && h >= 64).then_some(img)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PDF of `pages` pages; the first shows `jpeg` (if any) as an image XObject.
    pub(crate) fn pdf(pages: usize, jpeg: Option<(&[u8], u32, u32)>) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + i)).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")).into_bytes());
        let image_obj = 3 + pages;
        for i in 0..pages {
            let resources = if i == 0 && jpeg.is_some() { format!("/Resources << /XObject << /Im1 {image_obj} 0 R >> >>") } else { String::new() };
            objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] {resources} >>").into_bytes());
        }
        if let Some((bytes, w, h)) = jpeg {
            let mut obj = format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", bytes.len()).into_bytes();
            obj.extend_from_slice(bytes);
            obj.extend_from_slice(b"\nendstream");
            objects.push(obj);
        }
        crate::test_pdf::pdf_of(&objects)
    }

    #[test]
    fn pages_are_counted() {
        assert_eq!(page_count(&pdf(7, None)), Some(7));
        assert_eq!(page_count(b"%PDF-1.4 nothing else"), None);
    }

    #[test]
    fn the_first_pages_jpeg_is_found() {
        let png = crate::deck_file::picture::tests::striped(320, 180);
        let (jpeg, w, h) = crate::deck_file::picture::preview_jpeg(&crate::deck_file::picture::decode(&png).unwrap()).unwrap();
        let found = first_page_pictures(&pdf(3, Some((&jpeg, w, h))));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].width(), found[0].height()), (320, 180));
        assert!(first_page_pictures(&pdf(3, None)).is_empty());
    }

    #[test]
    fn raw_pixels_need_a_known_colour_space() {
        assert!(raw(100, 100, Some("DeviceRGB"), Some(8), vec![0; 30_000]).is_some());
        assert!(raw(100, 100, Some("DeviceRGB"), Some(8), vec![0; 10]).is_none());
        assert!(raw(100, 100, Some("Indexed"), Some(8), vec![0; 10_000]).is_none());
        assert!(raw(100, 100, Some("DeviceGray"), Some(1), vec![0; 10_000]).is_none());
    }
}
