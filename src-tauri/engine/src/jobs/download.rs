//! (job engine: download)
