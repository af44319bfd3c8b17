import Foundation
import ThaiConventions

extension DatasetSchema {
    /// Suggests which field each import column fills: `result[i]` is the field key for
    /// `headers[i]`, or nil to skip the column. Only active fields are offered.
    ///
    /// A header matches a field when, ignoring case, spaces, underscores, hyphens, dots and digit
    /// script, it equals the key, the Thai label or the English label. Remaining headers get a
    /// fuzzy match: one name containing the other (at least 3 characters) or an edit distance of
    /// at most a quarter of the longer name; best scores first. No field is given to two headers;
    /// when two headers want the same field, the first exact (then closest) one wins.
    public func suggestColumnMapping(headers: [String]) -> [String?] {
        let fields = activeFields
        var result = [String?](repeating: nil, count: headers.count)
        var taken: Set<String> = []
        let headerKeys = headers.map(ColumnNames.key)
        let fieldNames: [(key: String, names: [String])] = fields.map { field in
            var names = [ColumnNames.key(field.key)]
            if let l = field.label { names += [ColumnNames.key(l.th), ColumnNames.key(l.en)] }
            names += field.formerKeys.map(ColumnNames.key)   // a file made before a rename
            return (field.key, names.filter { !$0.isEmpty })
        }

        // Exact matches, in header order.
        for (i, h) in headerKeys.enumerated() where !h.isEmpty {
            if let f = fieldNames.first(where: { !taken.contains($0.key) && $0.names.contains(h) }) {
                result[i] = f.key
                taken.insert(f.key)
            }
        }

        // Fuzzy matches, best score first.
        var candidates: [(score: Double, header: Int, field: String)] = []
        for (i, h) in headerKeys.enumerated() where result[i] == nil && !h.isEmpty {
            for f in fieldNames where !taken.contains(f.key) {
                let best = f.names.map { ColumnNames.similarity(h, $0) }.max() ?? 0
                if best > 0 { candidates.append((best, i, f.key)) }
            }
        }
        candidates.sort { ($0.score, -$0.header) > ($1.score, -$1.header) }
        for c in candidates where result[c.header] == nil && !taken.contains(c.field) {
            result[c.header] = c.field
            taken.insert(c.field)
        }
        return result
    }
}

enum ColumnNames {
    /// `Owner ID`, `owner_id`, `OWNER-ID` → `ownerid`; `บ้าน เลขที่` → `บ้านเลขที่`.
    static func key(_ header: String) -> String {
        SearchText.normalize(header).filter { !$0.isWhitespace && !"_-.:/()[]*#".contains($0) }
    }

    /// 0 (no match) ... 1 (nearly equal), for already-normalised names.
    static func similarity(_ a: String, _ b: String) -> Double {
        let (x, y) = (Array(a), Array(b))
        let longer = Double(max(x.count, y.count))
        guard longer > 0 else { return 0 }
        if min(x.count, y.count) >= 3, a.contains(b) || b.contains(a) {
            return 0.5 + 0.5 * Double(min(x.count, y.count)) / longer
        }
        let d = Double(editDistance(x, y))
        guard d <= (longer / 4).rounded(.down), longer >= 4 else { return 0 }
        return 1 - d / longer
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
