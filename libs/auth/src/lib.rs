//! Access-token verification: placeholder until the identity issue lands it.
