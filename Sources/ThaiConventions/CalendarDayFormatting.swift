extension CalendarDay {
    /// How to write a day for people or machines.
    public enum Style: Sendable, Hashable, CaseIterable {
        /// `15 มี.ค. 2566`: Buddhist Era, abbreviated Thai month. The default for screens.
        case thaiShort
        /// `15 มีนาคม 2566`: Buddhist Era, full Thai month. For letters and reports.
        case thaiLong
        /// `15 Mar 2023`: Common Era, English month.
        case english
        /// `2023-03-15`: ISO 8601, for storage, APIs and file names.
        case iso8601
    }

    /// The day written in `style`; `thaiDigits` writes ๐-๙ instead of 0-9 (formal documents).
    public func formatted(_ style: Style = .thaiShort, thaiDigits: Bool = false) -> String {
        let text: String
        switch style {
        case .thaiShort: text = "\(day) \(ThaiMonthNames.thaiShort[month - 1]) \(buddhistYear)"
        case .thaiLong: text = "\(day) \(ThaiMonthNames.thaiLong[month - 1]) \(buddhistYear)"
        case .english: text = "\(day) \(ThaiMonthNames.englishShort[month - 1]) \(year)"
        case .iso8601: text = iso8601
        }
        return thaiDigits ? ThaiDigits.toThai(text) : text
    }

    /// ISO 8601 calendar date, `YYYY-MM-DD`.
    public var iso8601: String {
        Self.zeroPadded(year, 4) + "-" + Self.zeroPadded(month, 2) + "-" + Self.zeroPadded(day, 2)
    }

    static func zeroPadded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
