//! Format detection and every adapter: one file of any kind through the
//! whole audit, seeded with every family. See fuzz/src/lib.rs for the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhole_fuzz::audit_one(data));
