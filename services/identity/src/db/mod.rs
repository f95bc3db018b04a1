//! Queries of the identity schema: the only place SQL appears.
