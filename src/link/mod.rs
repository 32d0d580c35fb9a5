//! Linking: statements of all reports → repeat links and chains.
