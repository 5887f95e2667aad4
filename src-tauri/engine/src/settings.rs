//! Settings: one typed struct under a schema version, with migration.
