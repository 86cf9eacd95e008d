//! The streaming AWS reader (Config snapshots, Config items, bundles),
//! checked against the whole-document reader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keyhole_fuzz::stream_matches_whole(data);
    keyhole_fuzz::audit_one(data);
});
