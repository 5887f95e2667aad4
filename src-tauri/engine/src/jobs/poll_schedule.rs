//! (job engine: poll_schedule)
