//! Bytes to text (gzip, UTF-8/16, byte order marks) and text to JSON or
//! JSON Lines.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhole_fuzz::decode_and_parse(data));
