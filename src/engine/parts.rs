//! Part-size math for multipart uploads, copies and ranged downloads. S3
//! allows at most 10,000 parts of 5 MiB to 5 GiB (the last may be smaller),
//! so the part size grows with the object instead of failing at part 10,001.

pub const MIN_PART: u64 = 5 * 1024 * 1024;
pub const MAX_PART: u64 = 5 * 1024 * 1024 * 1024;
pub const MAX_PARTS: u64 = 10_000;
const MIB: u64 = 1024 * 1024;

/// The part size for an object of `size` bytes: the configured size, or
/// the smallest whole number of MiB that fits the object in 10,000 parts.
pub fn part_size(size: u64, configured: u64) -> u64 {
    let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    configured.max(needed).clamp(MIN_PART, MAX_PART)
}

/// Byte ranges `start..end` covering `size` in parts of `part` bytes.
pub fn ranges(size: u64, part: u64) -> impl Iterator<Item = (u64, u64)> {
    let part = part.max(1);
    (0..size.div_ceil(part)).map(move |i| (i * part, ((i + 1) * part).min(size)))
}

/// "50MiB/s", "1.5 GB/s", "800k" → bytes per second.
pub fn parse_rate(s: &str) -> Option<u64> {
    let t = s.trim().trim_end_matches("/s").trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => MIB as f64,
        "g" | "gb" => 1e9,
        "gib" => (1u64 << 30) as f64,
        _ => return None,
    };
    let v = n * mult;
    (v >= 1.0 && v.is_finite()).then_some(v as u64)
}

/// "8MiB", "16 MB", "5242880" → bytes (for part sizes and thresholds).
pub fn parse_size(s: &str) -> Option<u64> {
    parse_rate(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_size_grows_so_no_upload_needs_more_than_10000_parts() {
        assert_eq!(part_size(100, 8 * MIB), 8 * MIB);
        assert_eq!(part_size(100, 1), MIN_PART);
        let huge = 5 * 1024 * 1024 * 1024 * 1024u64; // 5 TiB, S3's maximum
        let p = part_size(huge, 8 * MIB);
        assert!(huge.div_ceil(p) <= MAX_PARTS);
        assert_eq!(p % MIB, 0);
        assert_eq!(part_size(80_000 * MIB, 8 * MIB), 8 * MIB);
        assert_eq!(part_size(80_001 * MIB, 8 * MIB), 9 * MIB);
        assert_eq!(part_size(u64::MAX, 8 * MIB), MAX_PART);
    }

    #[test]
    fn ranges_cover_exactly() {
        let r: Vec<_> = ranges(10, 4).collect();
        assert_eq!(r, vec![(0, 4), (4, 8), (8, 10)]);
        assert_eq!(ranges(0, 4).count(), 0);
        assert_eq!(ranges(8, 4).count(), 2);
    }

    #[test]
    fn rates_and_sizes_parse() {
        assert_eq!(parse_rate("50MiB/s"), Some(50 * MIB));
        assert_eq!(parse_rate("1.5 GB/s"), Some(1_500_000_000));
        assert_eq!(parse_rate("800k"), Some(800_000));
        assert_eq!(parse_rate("fast"), None);
        assert_eq!(parse_rate("0"), None);
        assert_eq!(parse_size("8MiB"), Some(8 * MIB));
    }
}
