//! (job engine: file_names)
