//! Fake provider servers for tests, speaking the APIs as `REFERENCE.md` documents them.
