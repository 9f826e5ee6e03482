//! The proleptic Gregorian calendar, both ways, for the book's date: `[book] date` is read with
//! [`days_from_civil`]; the EPUB's `dcterms:modified`, its zip timestamps and the PDF's
//! metadata are written with [`Utc::from_unix`] / [`civil_from_days`]. Howard Hinnant's
//! algorithms (<https://howardhinnant.github.io/date_algorithms.html>).

/// Days since 1970-01-01 of a calendar date (`month` 1-12, `day` 1-31; not validated).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date (year, month 1-12, day 1-31) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

/// Latest instant a four-digit year can express: 9999-12-31T23:59:59Z.
pub const MAX_UNIX: i64 = 253_402_300_799;
/// Earliest: 0000-01-01T00:00:00Z.
const MIN_UNIX: i64 = -62_167_219_200;

/// A calendar date and time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl Utc {
    /// Convert seconds since the Unix epoch, clamped to years 0000..=9999.
    pub fn from_unix(secs: i64) -> Utc {
        let secs = secs.clamp(MIN_UNIX, MAX_UNIX);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        Utc {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, as `dcterms:modified` requires.
    pub fn iso8601(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times() {
        assert_eq!(Utc::from_unix(0).iso8601(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Utc::from_unix(951_782_400).iso8601(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            Utc::from_unix(1_700_000_000).iso8601(),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            Utc::from_unix(1_709_251_199).iso8601(),
            "2024-02-29T23:59:59Z"
        );
        assert_eq!(Utc::from_unix(-1).iso8601(), "1969-12-31T23:59:59Z");
        assert_eq!(Utc::from_unix(i64::MAX).iso8601(), "9999-12-31T23:59:59Z");
        assert_eq!(Utc::from_unix(i64::MIN).iso8601(), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn the_two_directions_agree() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2021, 6, 3) * 86_400, 1_622_678_400);
        for days in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
    }
}
