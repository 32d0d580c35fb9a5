//! The JSON Lines dataset writer.
