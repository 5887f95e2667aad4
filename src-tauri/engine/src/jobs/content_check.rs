//! (job engine: content_check)
