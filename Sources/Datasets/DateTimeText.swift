import Foundation
import ThaiConventions

/// Date-times as typed and as exchanged. Written by hand (no DateFormatter) like `BangkokTime`.
enum DateTimeText {
    /// ISO 8601 with the Bangkok offset, whole seconds: `2023-03-15T14:05:00+07:00`.
    static func iso8601(_ date: Date) -> String {
        BangkokTime.format(date, style: .iso8601)
    }

    /// Reads `2023-03-15T14:05:00+07:00`, `2023-03-15T07:05:00Z`, `2023-03-15 14:05`,
    /// `15/03/2566 14:05`, `15 มี.ค. 2566 14.05 น.`, a bare date (midnight) or an Excel serial
    /// with a time fraction. Without an offset the time is Bangkok time. Seconds are truncated.
    static func parse(_ raw: String, keepingFraction: Bool = false) throws(ParseFailure) -> Date {
        var s = FieldParsing.trim(ThaiDigits.toASCII(raw))
        let failure = ParseFailure(
            "อ่านวันที่และเวลา “\(raw)” ไม่ได้ ใช้รูปแบบ 15/03/2566 14:05 หรือ 2023-03-15T14:05:00+07:00",
            "Cannot read the date and time “\(raw)”. Use 15/03/2566 14:05 or 2023-03-15T14:05:00+07:00.")

        // Excel serial: days, fraction = time of day.
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let serial = Double(s) {
            do {
                let day = try CalendarDay(excelSerial: serial)
                let seconds = Int(((serial - serial.rounded(.down)) * 86_400).rounded())
                return instant(day, seconds: seconds, offset: BangkokTime.utcOffsetSeconds)
            } catch {
                throw ParseFailure(error.message)
            }
        }

        // A trailing "น." (นาฬิกา) allows "14.05" as a time.
        var thaiClock = false
        for suffix in ["น.", "น"] where s.hasSuffix(suffix) {
            s = FieldParsing.trim(String(s.dropLast(suffix.count)))
            thaiClock = true
            break
        }

        // Offset at the end: Z, +07:00, +0700, +07.
        var offset = BangkokTime.utcOffsetSeconds
        if s.hasSuffix("Z") || s.hasSuffix("z") {
            offset = 0
            s.removeLast()
        } else if let signIndex = s.lastIndex(where: { $0 == "+" || $0 == "-" }),
                  s.distance(from: s.startIndex, to: signIndex) >= 10 {
            let tail = s[s.index(after: signIndex)...].filter { $0 != ":" }
            if tail.count == 4 || tail.count == 2, tail.allSatisfy(\.isNumber), let v = Int(tail) {
                let hours = tail.count == 4 ? v / 100 : v
                let minutes = tail.count == 4 ? v % 100 : 0
                guard hours <= 14, minutes < 60 else { throw failure }
                offset = (hours * 3600 + minutes * 60) * (s[signIndex] == "-" ? -1 : 1)
                s = String(s[..<signIndex])
            }
        }

        // Split the date part from the time part at "T" (ISO) or the last space.
        var datePart = s
        var timePart = ""
        if s.count > 10, s[s.index(s.startIndex, offsetBy: 10)] == "T" || s[s.index(s.startIndex, offsetBy: 10)] == "t" {
            datePart = String(s.prefix(10))
            timePart = String(s.dropFirst(11))
        } else if let space = s.lastIndex(where: \.isWhitespace) {
            let candidate = String(s[s.index(after: space)...])
            if candidate.contains(":") || (thaiClock && candidate.contains(".")) {
                datePart = FieldParsing.trim(String(s[..<space]))
                timePart = candidate
                for word in ["เวลา"] where datePart.hasSuffix(word) {
                    datePart = FieldParsing.trim(String(datePart.dropLast(word.count)))
                }
            }
        }

        let day: CalendarDay
        do {
            day = try CalendarDay.parse(datePart)
        } catch {
            throw failure
        }
        var seconds = 0
        var fraction = 0.0
        if !timePart.isEmpty {
            let pieces = timePart.split(separator: thaiClock && !timePart.contains(":") ? "." : ":", omittingEmptySubsequences: false)
            guard (2...3).contains(pieces.count) else { throw failure }
            var numbers: [Int] = []
            for (i, p) in pieces.enumerated() {
                // Fractional seconds are truncated.
                let whole = i == 2 ? String(p.prefix { $0 != "." && $0 != "," }) : String(p)
                guard !whole.isEmpty, whole.count <= 2, whole.allSatisfy(\.isNumber), let v = Int(whole) else { throw failure }
                numbers.append(v)
                if i == 2, keepingFraction, whole.count < p.count {
                    let digits = p.dropFirst(whole.count + 1)
                    guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                          let f = Double("0." + digits) else { throw failure }
                    fraction = f
                }
            }
            guard numbers[0] < 24, numbers[1] < 60, numbers.count < 3 || numbers[2] < 60 else { throw failure }
            seconds = numbers[0] * 3600 + numbers[1] * 60 + (numbers.count == 3 ? numbers[2] : 0)
        }
        return instant(day, seconds: seconds, offset: offset).addingTimeInterval(fraction)
    }

    static func instant(_ day: CalendarDay, seconds: Int, offset: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSince1970 * 86_400 + seconds - offset))
    }
}

/// Instants as the API exchanges them (`?at=`, a version's `at`): ISO 8601 in UTC to the
/// millisecond, and read back leniently.
public enum InstantText {
    /// `2026-11-23T04:05:06.789Z`. `roundingUp` rounds up to the next millisecond with a margin
    /// over a stored time's precision, so that a restore to the printed instant includes what
    /// happened at the instant itself; otherwise the milliseconds are truncated.
    public static func format(_ date: Date, roundingUp: Bool = false) -> String {
        let t = date.timeIntervalSince1970
        let ms = Int64(roundingUp ? ((t + 0.00002) * 1000).rounded(.up) : (t * 1000).rounded(.down))
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let inDay = ms - days * 86_400_000
        let day = CalendarDay(daysSince1970: Int(days)).map(\.iso8601) ?? "0001-01-01"
        func pad(_ v: Int64, _ n: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, n - t.count)) + t }
        return day + "T" + pad(inDay / 3_600_000, 2) + ":" + pad(inDay / 60_000 % 60, 2) + ":" + pad(inDay / 1000 % 60, 2)
            + "." + pad(inDay % 1000, 3) + "Z"
    }

    /// Reads what people and programs send as a moment: ISO 8601 with or without fractional
    /// seconds and offset (no offset is Bangkok time), a space instead of the `T`, minutes
    /// without seconds, a bare day (its start in Bangkok), Thai forms as a date-time field takes
    /// them, and an offset whose `+` an unencoded query string turned into a space.
    public static func parse(_ raw: String) -> Date? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.count <= 64 else { return nil }
        // "...T10:00:00 07:00": the "+" of the offset read as a space in a query string.
        if let space = s.lastIndex(of: " "), s.distance(from: s.startIndex, to: space) >= 16 {
            let tail = s[s.index(after: space)...]
            let head = s[..<space]
            let digits = tail.filter { $0 != ":" }
            if (digits.count == 2 || digits.count == 4), digits.allSatisfy({ $0.isASCII && $0.isNumber }), head.contains(":") {
                s = head + "+" + tail
            }
        }
        return try? DateTimeText.parse(s, keepingFraction: true)
    }
}
