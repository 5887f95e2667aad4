//! (job engine: runner)
