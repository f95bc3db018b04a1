//! Integration tests of the messaging service: the real router on port 0, its own database role and
//! Vault AppRole, a fresh database migrated by its own migrations.

mod health;
