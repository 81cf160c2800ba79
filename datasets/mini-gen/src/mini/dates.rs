//! Calendar arithmetic and the many ways (good and bad) mail writes a date.

use crate::draw::{Draw, Rng};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Seconds since the epoch of a UTC date and time.
pub fn unix(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> i64 {
    days_from_civil(y, m, d) * 86_400 + i64::from(hh * 3600 + mm * 60 + ss)
}

/// A broken-down local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Local {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: usize,
}

/// `secs` (UTC) seen from a zone `offset_min` minutes east of UTC.
pub fn local(secs: i64, offset_min: i32) -> Local {
    let t = secs + i64::from(offset_min) * 60;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    Local {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        weekday: (days + 4).rem_euclid(7) as usize,
    }
}

fn zone(offset_min: i32) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.abs();
    format!("{sign}{:02}{:02}", a / 60, a % 60)
}

/// RFC 2822 form: `Thu, 22 Aug 2002 13:35:01 +0200`.
pub fn rfc2822(secs: i64, offset_min: i32) -> String {
    let l = local(secs, offset_min);
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {}",
        WEEKDAYS[l.weekday],
        l.day,
        MONTHS[l.month as usize - 1],
        l.year,
        l.hour,
        l.minute,
        l.second,
        zone(offset_min)
    )
}

/// The same with a two-digit day (`Thu, 05 Sep 2002 ...`), as many mailers wrote it.
pub fn rfc2822_padded(secs: i64, offset_min: i32) -> String {
    let l = local(secs, offset_min);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}",
        WEEKDAYS[l.weekday],
        l.day,
        MONTHS[l.month as usize - 1],
        l.year,
        l.hour,
        l.minute,
        l.second,
        zone(offset_min)
    )
}

/// The mbox `From ` line's asctime form: `Thu Aug  2 12:36:23 2002`.
pub fn ctime(secs: i64, offset_min: i32) -> String {
    let l = local(secs, offset_min);
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        WEEKDAYS[l.weekday],
        MONTHS[l.month as usize - 1],
        l.day,
        l.hour,
        l.minute,
        l.second,
        l.year
    )
}

/// The name a US or European zone offset went by, if it has a common one.
pub fn zone_name(offset_min: i32, summer: bool) -> Option<&'static str> {
    Some(match (offset_min, summer) {
        (-240, true) => "EDT",
        (-300, false) => "EST",
        (-300, true) => "CDT",
        (-360, false) => "CST",
        (-360, true) => "MDT",
        (-420, false) => "MST",
        (-420, true) => "PDT",
        (-480, false) => "PST",
        (0, false) => "GMT",
        (60, true) => "IST",
        (60, false) => "CET",
        (120, true) => "CEST",
        (540, _) => "JST",
        _ => return None,
    })
}

/// Whether northern-hemisphere summer time applies (roughly) on this date.
pub fn is_summer(secs: i64) -> bool {
    let l = local(secs, 0);
    (4..=10).contains(&l.month)
}

/// How a message's `Date:` header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `Thu, 22 Aug 2002 13:35:01 +0200`.
    Normal,
    /// `Thu, 22 Aug 2002 13:35:01 -0400 (EDT)`.
    ZoneComment,
    /// `22 Aug 2002 13:35:01 +0200`.
    NoWeekday,
    /// `Thu, 22 Aug 02 13:35:01 +0200`.
    TwoDigitYear,
    /// `Thu, 22 Aug 2002 13:35:01 EST`.
    NamedZone,
    /// `Thu, 22 Aug 2002 13:35:01`.
    NoZone,
    /// `Thursday, August 22, 2002 1:35 PM`.
    LongForm,
    /// `2002-08-22 13:35:01`.
    Iso,
    /// Something no date parser understands.
    Unparseable,
    /// No `Date:` header at all.
    Missing,
    /// A sender whose clock says 1980-1989.
    Ancient,
    /// A sender whose clock says 2026-2028.
    Future,
}

/// The `Date:` header value for a message sent at `secs` from zone `offset_min`, or
/// `None` when the style leaves the header out.
pub fn render(style: DateStyle, secs: i64, offset_min: i32, rng: &mut Rng) -> Option<String> {
    let l = local(secs, offset_min);
    let mon = MONTHS[l.month as usize - 1];
    Some(match style {
        DateStyle::Normal => {
            if rng.percent(50) {
                rfc2822(secs, offset_min)
            } else {
                rfc2822_padded(secs, offset_min)
            }
        }
        DateStyle::ZoneComment => match zone_name(offset_min, is_summer(secs)) {
            Some(name) => format!("{} ({name})", rfc2822_padded(secs, offset_min)),
            None => rfc2822_padded(secs, offset_min),
        },
        DateStyle::NoWeekday => format!(
            "{} {mon} {} {:02}:{:02}:{:02} {}",
            l.day,
            l.year,
            l.hour,
            l.minute,
            l.second,
            zone(offset_min)
        ),
        DateStyle::TwoDigitYear => format!(
            "{}, {} {mon} {:02} {:02}:{:02}:{:02} {}",
            WEEKDAYS[l.weekday],
            l.day,
            l.year % 100,
            l.hour,
            l.minute,
            l.second,
            zone(offset_min)
        ),
        DateStyle::NamedZone => {
            // Pick a named zone and express the time in it.
            let (off, name) = *rng.pick(&[
                (-300, "EST"),
                (-240, "EDT"),
                (-480, "PST"),
                (-420, "PDT"),
                (-360, "CST"),
                (0, "GMT"),
                (0, "UT"),
            ]);
            let l = local(secs, off);
            format!(
                "{}, {} {} {} {:02}:{:02}:{:02} {name}",
                WEEKDAYS[l.weekday],
                l.day,
                MONTHS[l.month as usize - 1],
                l.year,
                l.hour,
                l.minute,
                l.second
            )
        }
        DateStyle::NoZone => format!(
            "{}, {} {mon} {} {:02}:{:02}:{:02}",
            WEEKDAYS[l.weekday], l.day, l.year, l.hour, l.minute, l.second
        ),
        DateStyle::LongForm => {
            let (h12, ampm) = match l.hour {
                0 => (12, "AM"),
                1..=11 => (l.hour, "AM"),
                12 => (12, "PM"),
                _ => (l.hour - 12, "PM"),
            };
            format!(
                "{}, {} {}, {} {h12}:{:02} {ampm}",
                LONG_WEEKDAYS[l.weekday],
                LONG_MONTHS[l.month as usize - 1],
                l.day,
                l.year,
                l.minute
            )
        }
        DateStyle::Iso => format!(
            "{}-{:02}-{:02} {:02}:{:02}:{:02}",
            l.year, l.month, l.day, l.hour, l.minute, l.second
        ),
        DateStyle::Unparseable => rng
            .pick(&[
                "sometime last week",
                "Today",
                "Tue, 35 Smr 2002 27:70:00 +9999",
                "(date not set)",
                "0",
            ])
            .to_string(),
        DateStyle::Missing => return None,
        DateStyle::Ancient => {
            if rng.percent(40) {
                "Tue, 01 Jan 1980 00:00:00 +0000".to_string()
            } else {
                let year = rng.range(1981, 1989);
                shifted_year(l, year, offset_min)
            }
        }
        DateStyle::Future => {
            let year = rng.range(2026, 2028);
            shifted_year(l, year, offset_min)
        }
    })
}

/// The same month, day and time in another year, with that year's weekday.
fn shifted_year(l: Local, year: i64, offset_min: i32) -> String {
    let day = l.day.min(28);
    let secs = unix(year, l.month, day, l.hour, l.minute, l.second);
    rfc2822(secs, 0).replace("+0000", &zone(offset_min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_knows_weekdays() {
        for days in [-1000, 0, 1, 11_000, 12_000, 20_000, 21_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let t = unix(2002, 8, 22, 11, 36, 23);
        assert_eq!(rfc2822(t, 60), "Thu, 22 Aug 2002 12:36:23 +0100");
        assert_eq!(ctime(t, 60), "Thu Aug 22 12:36:23 2002");
        assert_eq!(
            ctime(unix(2002, 8, 2, 9, 0, 0), 0),
            "Fri Aug  2 09:00:00 2002"
        );
        assert_eq!(
            rfc2822(unix(1980, 1, 1, 0, 0, 0), 0),
            "Tue, 1 Jan 1980 00:00:00 +0000"
        );
        assert_eq!(
            rfc2822(unix(2003, 2, 3, 23, 30, 0), -300),
            "Mon, 3 Feb 2003 18:30:00 -0500"
        );
    }

    #[test]
    fn every_style_renders_as_described() {
        let t = unix(2002, 8, 22, 11, 36, 23);
        let mut rng = Rng::new(1);
        let r = |s, rng: &mut Rng| render(s, t, -240, rng);
        assert_eq!(
            r(DateStyle::NoWeekday, &mut rng).unwrap(),
            "22 Aug 2002 07:36:23 -0400"
        );
        assert_eq!(
            r(DateStyle::TwoDigitYear, &mut rng).unwrap(),
            "Thu, 22 Aug 02 07:36:23 -0400"
        );
        assert_eq!(
            r(DateStyle::NoZone, &mut rng).unwrap(),
            "Thu, 22 Aug 2002 07:36:23"
        );
        assert_eq!(
            r(DateStyle::LongForm, &mut rng).unwrap(),
            "Thursday, August 22, 2002 7:36 AM"
        );
        assert_eq!(r(DateStyle::Iso, &mut rng).unwrap(), "2002-08-22 07:36:23");
        assert_eq!(
            r(DateStyle::ZoneComment, &mut rng).unwrap(),
            "Thu, 22 Aug 2002 07:36:23 -0400 (EDT)"
        );
        assert!(r(DateStyle::Missing, &mut rng).is_none());
        let future = r(DateStyle::Future, &mut rng).unwrap();
        assert!(future.contains(" 202"), "{future}");
        let ancient = r(DateStyle::Ancient, &mut rng).unwrap();
        assert!(ancient.contains(" 198"), "{ancient}");
    }
}
