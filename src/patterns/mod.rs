//! Rules as data: loads `patterns/*.toml`, validates, compiles and applies them.
