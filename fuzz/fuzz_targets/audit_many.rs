//! Several files as one upload (resources merged across files and formats).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhole_fuzz::audit_many(data));
