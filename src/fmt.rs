//! How sizes are written for people, in every message, reason and table:
//! "12 字节", "47 KB", "2.2 MB".

/// A size as people read it.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["字节", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} 字节"),
        1 => format!("{value:.0} KB"),
        _ => format!("{value:.1} {}", UNITS[unit]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_people_read_them() {
        assert_eq!(size(12), "12 字节");
        assert_eq!(size(48_213), "47 KB");
        assert_eq!(size(2_310_000), "2.2 MB");
        assert_eq!(size(3 << 30), "3.0 GB");
    }
}
