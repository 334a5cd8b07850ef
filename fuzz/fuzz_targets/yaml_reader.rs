//! The YAML reader on arbitrary bytes: no panic, no hang, and the writer's
//! output of every document it reads prints the same once read back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    berth_fuzz::check_yaml_round_trip(data);
});
