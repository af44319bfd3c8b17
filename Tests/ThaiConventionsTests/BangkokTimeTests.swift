import Foundation
import Testing
@testable import ThaiConventions

@Suite("BangkokTime")
struct BangkokTimeTests {
    // 2023-03-15 00:00 UTC = 19431 days × 86400 s = 1_678_838_400 (19431 checked in CalendarDayTests).
    let midnightUTC = 1_678_838_400.0

    @Test func formatsInThaiTimeWithBuddhistEra() {
        // 07:05:59 UTC is 14:05:59 in Bangkok (UTC+7); minutes are truncated.
        let t = Date(timeIntervalSince1970: midnightUTC + 7 * 3600 + 5 * 60 + 59)
        #expect(BangkokTime.format(t) == "15 มี.ค. 2566 14:05 น.")
        #expect(BangkokTime.format(t, style: .thaiLong) == "15 มีนาคม 2566 14:05 น.")
        #expect(BangkokTime.format(t, thaiDigits: true) == "๑๕ มี.ค. ๒๕๖๖ ๑๔:๐๕ น.")
        #expect(BangkokTime.format(t, style: .english) == "15 Mar 2023 14:05")
        #expect(BangkokTime.format(t, style: .iso8601) == "2023-03-15T14:05:59+07:00")
    }

    @Test func dayChangesAtBangkokMidnightNotUTC() throws {
        // 16:59:59 UTC = 23:59:59 Bangkok, same day; 17:00 UTC = 00:00 the next day.
        let before = Date(timeIntervalSince1970: midnightUTC + 17 * 3600 - 1)
        let after = Date(timeIntervalSince1970: midnightUTC + 17 * 3600)
        #expect(BangkokTime.calendarDay(of: before) == (try CalendarDay(year: 2023, month: 3, day: 15)))
        #expect(BangkokTime.calendarDay(of: after) == (try CalendarDay(year: 2023, month: 3, day: 16)))
        #expect(BangkokTime.format(after) == "16 มี.ค. 2566 00:00 น.")
        // 2023-03-14 20:00 UTC is already the 15th in Bangkok.
        #expect(BangkokTime.format(Date(timeIntervalSince1970: midnightUTC - 4 * 3600)) == "15 มี.ค. 2566 03:00 น.")
    }

    @Test func instantsBefore1970() {
        // One second before the epoch: 1969-12-31 23:59:59 UTC = 1970-01-01 06:59:59 Bangkok.
        #expect(BangkokTime.format(Date(timeIntervalSince1970: -1), style: .iso8601) == "1970-01-01T06:59:59+07:00")
        // 1969-12-31 16:59:59 UTC = 23:59:59 Bangkok on the 31st.
        #expect(BangkokTime.format(Date(timeIntervalSince1970: -7 * 3600 - 1), style: .iso8601) == "1969-12-31T23:59:59+07:00")
    }

    @Test func timeZoneIsUTCPlus7() {
        #expect(BangkokTime.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: midnightUTC)) == 25_200)
    }
}
