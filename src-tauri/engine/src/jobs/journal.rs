//! (job engine: journal)
