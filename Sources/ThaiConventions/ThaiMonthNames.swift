/// Month names as written in Thailand; index 0 is January.
enum ThaiMonthNames {
    static let thaiLong = [
        "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
        "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    ]
    static let thaiShort = [
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    ]
    static let englishLong = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
    static let englishShort = englishLong.map { String($0.prefix(3)) }

    /// Month number (1...12) for a name as people type it: Thai or English, long or short,
    /// with or without the dots of abbreviations (`มี.ค.`, `มีค`), any letter case.
    static func month(named word: String) -> Int? {
        let key = matchKey(word)
        guard !key.isEmpty else { return nil }
        return lookup[key]
    }

    private static func matchKey(_ word: String) -> String {
        String(word.lowercased().filter { $0 != "." && !$0.isWhitespace })
    }

    private static let lookup: [String: Int] = {
        var table: [String: Int] = [:]
        for names in [thaiLong, thaiShort, englishLong, englishShort] {
            for (i, name) in names.enumerated() { table[matchKey(name)] = i + 1 }
        }
        table["sept"] = 9
        return table
    }()
}
