//! Integration tests: the real `escalate` binary, run in temporary folders.

mod compare;
