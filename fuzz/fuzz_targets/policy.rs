//! The IAM policy evaluator: first byte picks the policy kind, the rest is
//! the policy document.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhole_fuzz::evaluate_policy(data));
