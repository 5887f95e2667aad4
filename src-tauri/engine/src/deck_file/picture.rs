//! Pictures found in a deck file: decoded within limits, rejected when blank, and shrunk to
//! the small JPEG the card shows.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits, Rgb, RgbImage};

/// The preview's largest side on disk; the card shows it at about half this (sharp on HiDPI).
pub const PREVIEW_MAX_WIDTH: u32 = 480;
pub const PREVIEW_MAX_HEIGHT: u32 = 360;

/// Pictures smaller than this (icons, bullets, logos) say nothing about the deck.
const MIN_SIDE: u32 = 64;

/// Decoding stops beyond this, whatever the file claims (a picture is at most a few MB).
const MAX_DECODE_BYTES: u64 = 96 * 1024 * 1024;

/// The formats a deck's pictures commonly come in that we can read: PNG and JPEG.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

/// Whether `bytes` are a JPEG (what previews are written as).
pub fn is_jpeg(bytes: &[u8]) -> bool {
    sniff(bytes) == Some(ImageFormat::Jpeg)
}

/// The picture in `bytes`, if it is a PNG or JPEG of a useful size that decodes within limits.
pub fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    let format = sniff(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    (img.width() >= MIN_SIDE && img.height() >= MIN_SIDE).then_some(img)
}

/// Whether a picture is (nearly) one flat colour: an empty slide, a blank default thumbnail,
/// a solid placeholder. Judged on a small copy, by how much each colour channel varies.
pub fn is_blank(img: &DynamicImage) -> bool {
    let small = img.thumbnail(48, 48).to_rgb8();
    let n = small.pixels().len() as f64;
    if n == 0.0 {
        return true;
    }
    let spread = |c: usize| {
        let mean = small.pixels().map(|p| p.0[c] as f64).sum::<f64>() / n;
        (small.pixels().map(|p| (p.0[c] as f64 - mean).powi(2)).sum::<f64>() / n).sqrt()
    };
    // A few pixels of faint text on white stay under this; any real slide is far above it.
    (0..3).map(spread).fold(0.0, f64::max) < 8.0
}

/// A small JPEG of `img`, transparent parts on white (a slide's background).
pub fn preview_jpeg(img: &DynamicImage) -> Option<(Vec<u8>, u32, u32)> {
    let small = if img.width() > PREVIEW_MAX_WIDTH || img.height() > PREVIEW_MAX_HEIGHT {
        img.resize(PREVIEW_MAX_WIDTH, PREVIEW_MAX_HEIGHT, image::imageops::FilterType::Triangle)
    } else {
        img.clone()
    };
    let rgba = small.to_rgba8();
    let flat = RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
        Rgb([over(r), over(g), over(b)])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
    DynamicImage::ImageRgb8(flat).write_with_encoder(encoder).ok()?;
    Some((out, rgba.width(), rgba.height()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG of `w`×`h` drawn by `f`.
    pub(crate) fn png(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb(f(x, y)));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    /// A picture with something on it: stripes of colour.
    pub(crate) fn striped(w: u32, h: u32) -> Vec<u8> {
        png(w, h, |x, _| if (x / 16) % 2 == 0 { [200, 40, 40] } else { [20, 60, 180] })
    }

    #[test]
    fn flat_pictures_are_blank_and_drawn_ones_are_not() {
        assert!(is_blank(&decode(&png(256, 192, |_, _| [255, 255, 255])).unwrap()));
        assert!(is_blank(&decode(&png(256, 192, |x, y| if x == 10 && y == 10 { [0, 0, 0] } else { [250, 250, 250] })).unwrap()));
        assert!(!is_blank(&decode(&striped(256, 192)).unwrap()));
    }

    #[test]
    fn tiny_and_unknown_pictures_are_not_used() {
        assert!(decode(&png(32, 32, |_, _| [1, 2, 3])).is_none());
        assert!(decode(b"GIF89a....").is_none());
        assert!(decode(b"\x89PNG\r\n\x1a\ncut short").is_none());
    }

    #[test]
    fn previews_are_small_jpegs() {
        let (jpeg, w, h) = preview_jpeg(&decode(&striped(1600, 900)).unwrap()).unwrap();
        assert_eq!(sniff(&jpeg), Some(ImageFormat::Jpeg));
        assert_eq!((w, h), (480, 270));
        assert!(jpeg.len() < 60_000, "{} bytes", jpeg.len());
        let (_, w, h) = preview_jpeg(&decode(&striped(200, 100)).unwrap()).unwrap();
        assert_eq!((w, h), (200, 100), "small pictures are not enlarged");
    }
}
