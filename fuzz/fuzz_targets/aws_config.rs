//! One file through the whole audit; the corpus (fuzz/seeds/aws_config) steers it
//! towards this family of inputs. See fuzz/src/lib.rs for the checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhole_fuzz::audit_one(data));
