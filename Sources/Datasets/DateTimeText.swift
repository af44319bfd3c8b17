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
    static func parse(_ raw: String) throws(ParseFailure) -> Date {
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
        if !timePart.isEmpty {
            let pieces = timePart.split(separator: thaiClock && !timePart.contains(":") ? "." : ":", omittingEmptySubsequences: false)
            guard (2...3).contains(pieces.count) else { throw failure }
            var numbers: [Int] = []
            for (i, p) in pieces.enumerated() {
                // Fractional seconds are truncated.
                let whole = i == 2 ? String(p.prefix { $0 != "." && $0 != "," }) : String(p)
                guard !whole.isEmpty, whole.count <= 2, whole.allSatisfy(\.isNumber), let v = Int(whole) else { throw failure }
                numbers.append(v)
            }
            guard numbers[0] < 24, numbers[1] < 60, numbers.count < 3 || numbers[2] < 60 else { throw failure }
            seconds = numbers[0] * 3600 + numbers[1] * 60 + (numbers.count == 3 ? numbers[2] : 0)
        }
        return instant(day, seconds: seconds, offset: offset)
    }

    static func instant(_ day: CalendarDay, seconds: Int, offset: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSince1970 * 86_400 + seconds - offset))
    }
}
