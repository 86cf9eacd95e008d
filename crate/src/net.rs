//! CIDR helpers shared by the policy evaluator and the network rules.
//!
//! Ranges are written the way AWS accepts them in `aws:SourceIp` conditions and
//! security group rules: `10.0.0.0/8`, `2001:db8::/32`, or a bare address
//! (`203.0.113.7`, meaning a /32 or /128). A range with host bits set
//! (`10.0.0.1/8`) means its network (`10.0.0.0/8`). Anything else is invalid:
//! [`parse_cidr`] returns `None` and the coverage helpers ignore it, so an
//! invalid string never makes a set of ranges look open.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::IpAddr;

/// Parses a CIDR range or a bare IP address, trimming surrounding whitespace.
/// Host bits are cleared (`10.0.0.1/8` is `10.0.0.0/8`).
pub fn parse_cidr(range: &str) -> Option<IpNet> {
    let range = range.trim();
    if range.contains('/') {
        return range.parse::<IpNet>().ok().map(|net| net.trunc());
    }
    match range.parse::<IpAddr>().ok()? {
        IpAddr::V4(addr) => Ipv4Net::new(addr, 32).ok().map(IpNet::V4),
        IpAddr::V6(addr) => Ipv6Net::new(addr, 128).ok().map(IpNet::V6),
    }
}

/// True when the union of these CIDR ranges covers the whole IPv4 space or the whole IPv6 space.
pub fn covers_internet<S: AsRef<str>>(ranges: &[S]) -> bool {
    covers_all_ipv4(ranges) || covers_all_ipv6(ranges)
}

/// True when the union of these ranges is the whole IPv4 space, however it is split
/// (`0.0.0.0/1` plus `128.0.0.0/1` is the whole space).
pub fn covers_all_ipv4<S: AsRef<str>>(ranges: &[S]) -> bool {
    let spans = ranges.iter().filter_map(|r| match parse_cidr(r.as_ref())? {
        IpNet::V4(net) => Some((u128::from(u32::from(net.network())), u128::from(u32::from(net.broadcast())))),
        IpNet::V6(_) => None,
    });
    covers_span(spans, u128::from(u32::MAX))
}

/// True when the union of these ranges is the whole IPv6 space.
pub fn covers_all_ipv6<S: AsRef<str>>(ranges: &[S]) -> bool {
    let spans = ranges.iter().filter_map(|r| match parse_cidr(r.as_ref())? {
        IpNet::V6(net) => Some((u128::from(net.network()), u128::from(net.broadcast()))),
        IpNet::V4(_) => None,
    });
    covers_span(spans, u128::MAX)
}

/// True when this one range is the whole IPv4 or IPv6 space (`0.0.0.0/0`, `::/0`).
pub fn is_world(range: &str) -> bool {
    parse_cidr(range).is_some_and(|net| net.prefix_len() == 0)
}

/// True when the inclusive intervals together cover `0..=max`.
fn covers_span(spans: impl Iterator<Item = (u128, u128)>, max: u128) -> bool {
    let mut spans: Vec<(u128, u128)> = spans.collect();
    if spans.is_empty() {
        return false;
    }
    spans.sort_unstable();
    // `next` is the first address not yet covered; `None` once `max` is covered.
    let mut next: Option<u128> = Some(0);
    for (start, end) in spans {
        let Some(want) = next else { break };
        if start > want {
            return false;
        }
        if end >= want {
            next = if end >= max { None } else { Some(end + 1) };
        }
    }
    next.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_ranges() {
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(is_world(" 0.0.0.0/0 "));
        // Host bits set on a /0 still mean the whole space.
        assert!(is_world("10.1.2.3/0"));
        assert!(!is_world("0.0.0.0/1"));
        assert!(!is_world("0.0.0.0"));
        assert!(!is_world("*"));
        assert!(!is_world(""));
        assert!(!is_world("0.0.0.0/33"));
    }

    #[test]
    fn parse_forms() {
        assert_eq!(parse_cidr("203.0.113.7"), "203.0.113.7/32".parse().ok());
        assert_eq!(parse_cidr("2001:db8::1"), "2001:db8::1/128".parse().ok());
        assert_eq!(parse_cidr("10.0.0.1/8"), "10.0.0.0/8".parse().ok());
        assert_eq!(parse_cidr("2001:db8::1/32"), "2001:db8::/32".parse().ok());
        for bad in ["", "/", "10.0.0.0/", "/8", "10.0.0.0/33", "::/129", "256.0.0.0/8", "abc", "10.0.0.0/8/8", "1.2.3"]
        {
            assert_eq!(parse_cidr(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn whole_spaces() {
        assert!(covers_internet(&["0.0.0.0/0"]));
        assert!(covers_internet(&["::/0"]));
        assert!(covers_internet(&["10.0.0.0/8", "0.0.0.0/0"]));
        assert!(!covers_internet::<&str>(&[]));
        assert!(!covers_internet(&["10.0.0.0/8", "192.168.0.0/16"]));
        assert!(!covers_internet(&["203.0.113.7"]));
    }

    #[test]
    fn evasion_splits() {
        assert!(covers_internet(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert!(covers_internet(&["128.0.0.0/1", "0.0.0.0/1"]));
        assert!(covers_internet(&["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]));
        assert!(covers_internet(&["::/1", "8000::/1"]));
        // Host bits set: 1.2.3.4/1 is 0.0.0.0/1.
        assert!(covers_internet(&["1.2.3.4/1", "200.1.1.1/1"]));
        // One address missing.
        assert!(!covers_internet(&["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5"]));
        assert!(!covers_internet(&["0.0.0.0/1", "128.0.0.1/32"]));
        // Half of IPv4 plus half of IPv6 is neither whole space.
        assert!(!covers_internet(&["0.0.0.0/1", "::/1"]));
    }

    #[test]
    fn overlapping_and_nested() {
        assert!(covers_internet(&["0.0.0.0/1", "64.0.0.0/2", "100.0.0.0/8", "128.0.0.0/1", "255.255.255.255"]));
        assert!(covers_internet(&["0.0.0.0/1", "0.0.0.0/2", "127.255.255.255/32", "128.0.0.0/1"]));
        assert!(!covers_internet(&["0.0.0.0/2", "0.0.0.0/3", "128.0.0.0/1"]));
    }

    #[test]
    fn edges_of_the_space() {
        let mut all_but_last: Vec<String> = Vec::new();
        let mut start: u32 = 0;
        for p in 1..=32u8 {
            all_but_last.push(format!("{}/{p}", std::net::Ipv4Addr::from(start)));
            if p < 32 {
                start |= 1 << (32 - u32::from(p));
            }
        }
        // Blocks /1 .. /32 starting at 0, 128.0.0.0, 192.0.0.0, ... leave exactly 255.255.255.255 out.
        assert!(!covers_all_ipv4(&all_but_last));
        all_but_last.push("255.255.255.255".to_string());
        assert!(covers_all_ipv4(&all_but_last));
        assert!(!covers_all_ipv4(&["0.0.0.1/32", "0.0.0.2/31", "0.0.0.4/30", "0.0.0.8/29", "128.0.0.0/1"]));
    }

    #[test]
    fn invalid_strings_never_cover() {
        assert!(!covers_internet(&["*"]));
        assert!(!covers_internet(&["0.0.0.0/-1"]));
        assert!(!covers_internet(&["all", "any", "internet"]));
        assert!(!covers_internet(&["0.0.0.0/1", "not-an-ip"]));
        assert!(covers_internet(&["0.0.0.0/1", "junk", "128.0.0.0/1"]));
    }

    #[test]
    fn families_are_separate() {
        assert!(covers_all_ipv4(&["0.0.0.0/0", "2001:db8::/32"]));
        assert!(!covers_all_ipv6(&["0.0.0.0/0", "2001:db8::/32"]));
        assert!(covers_all_ipv6(&["::/0"]));
        assert!(!covers_all_ipv4(&["::/0"]));
        // IPv4-mapped IPv6 addresses are IPv6 ranges here.
        assert!(!covers_all_ipv4(&["::ffff:0.0.0.0/96"]));
    }

    /// Property check: for random sets of ranges, the interval answer agrees with
    /// a brute-force check over a coarse grid of /8 blocks when every range is /8 or wider.
    #[test]
    fn agrees_with_brute_force_on_coarse_ranges() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let count = (next() % 12) as usize;
            let mut ranges = Vec::with_capacity(count);
            let mut covered = [false; 256];
            for _ in 0..count {
                let prefix = (next() % 9) as u32; // 0..=8
                let first = (next() % 256) as u32;
                let block = if prefix == 0 { 0 } else { first & !((1u32 << (8 - prefix)) - 1) };
                let size = 1u32 << (8 - prefix);
                for octet in block..block + size {
                    covered[octet as usize] = true;
                }
                // Random host bits, which must be ignored.
                ranges.push(format!("{first}.{}.{}.{}/{prefix}", next() % 256, next() % 256, next() % 256));
            }
            let brute = covered.iter().all(|&c| c);
            assert_eq!(covers_all_ipv4(&ranges), brute, "{ranges:?}");
        }
    }
}
