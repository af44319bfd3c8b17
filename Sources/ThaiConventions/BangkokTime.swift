import Foundation

/// Instants (timestamps) as shown to people in Thailand.
///
/// Thailand has been UTC+7 without daylight saving since 1920, so the offset is a constant and
/// formatting is done by hand: no `DateFormatter`, no dependence on the server's zone or tzdata.
public enum BangkokTime {
    /// UTC+7.
    public static let utcOffsetSeconds = 7 * 3600

    /// Asia/Bangkok, falling back to a fixed UTC+7 zone where tzdata is missing.
    public static var timeZone: TimeZone {
        TimeZone(identifier: "Asia/Bangkok") ?? TimeZone(secondsFromGMT: utcOffsetSeconds)!
    }

    /// The day it is in Thailand at `date`.
    public static func calendarDay(of date: Date) -> CalendarDay {
        local(date).day
    }

    /// `15 มี.ค. 2566 14:05 น.` (Thai styles), `15 Mar 2023 14:05` (English) or
    /// `2023-03-15T14:05:00+07:00` (ISO 8601). Seconds are truncated, not rounded, except in ISO.
    public static func format(_ date: Date, style: CalendarDay.Style = .thaiShort, thaiDigits: Bool = false) -> String {
        let (day, secondOfDay) = local(date)
        let hh = CalendarDay.zeroPadded(secondOfDay / 3600, 2)
        let mm = CalendarDay.zeroPadded(secondOfDay / 60 % 60, 2)
        let text: String
        switch style {
        case .thaiShort, .thaiLong:
            text = day.formatted(style) + " \(hh):\(mm) น."
        case .english:
            text = day.formatted(style) + " \(hh):\(mm)"
        case .iso8601:
            text = day.iso8601 + "T\(hh):\(mm):" + CalendarDay.zeroPadded(secondOfDay % 60, 2) + "+07:00"
        }
        return thaiDigits ? ThaiDigits.toThai(text) : text
    }

    /// The Bangkok day and the second within it (whole seconds, rounded down).
    public static func local(_ date: Date) -> (day: CalendarDay, secondOfDay: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        // Floor division, so instants before 1970 land on the right day.
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let day = CalendarDay(daysSince1970: days) ?? (days < 0 ? CalendarDay(unchecked: 1, 1, 1) : CalendarDay(unchecked: 9999, 12, 31))
        return (day, seconds - days * 86_400)
    }
}
