import Foundation
import Datasets
import Tabular
import ThaiConventions

/// The import's lane for plain rows: CSV records read as bytes become the two rows the import
/// writes for each (the record, and its typed columns), in COPY's binary format for PostgreSQL
/// or bound from bytes on SQLite (`SQLiteBulk`), with no `String`, `FieldValue` or dictionary
/// made per row.
///
/// A cell takes a byte path only where its result is certain to be `FastPlan`'s: text that is
/// plain ASCII or Thai with nothing to trim, escape or fold but Latin case, and whole or decimal
/// numbers already in plain digits, for fields with no limit or pattern. Any other cell is read
/// by `FastPlan` itself (and remembered by its bytes while its column repeats). A row with an
/// error, or with a value the plan cannot assemble in parts, is handed back to go the usual way.
/// The import compares this lane's lines with the usual way's on its first rows before using it.
struct ImportKernel: Sendable {
    let plan: ImportService.FastPlan
    let lanes: [Lane]
    /// `"key":` of each slot's field.
    let keys: [[UInt8]]
    let format: Format
    /// The record's bytes between the id and the JSON, and after the search text, in the format.
    let middle: [UInt8], tail: [UInt8]
    /// How each slot's typed column stores its value.
    let columnKinds: [ValueColumns.Kind]

    enum Lane: Sendable { case text, integer, decimal, general }

    enum Format: Sendable {
        /// COPY's text format (the sample check's).
        case copyText
        /// COPY's binary format (`PostgresBinary`).
        case copyBinary
        /// The binary format's fields without its tuple headers, decimals as 8-byte doubles:
        /// what `BulkWriter` binds on SQLite, whose typed columns keep decimals as REAL.
        case sqlite
    }

    init(plan: ImportService.FastPlan, format: Format, middle: [UInt8], tail: [UInt8]) {
        self.plan = plan
        self.format = format
        self.middle = middle
        self.tail = tail
        columnKinds = plan.slots.map { ValueColumns.kind($0.field.type) }
        keys = plan.slots.map { Array("\"\($0.field.key)\":".utf8) }
        lanes = plan.slots.map { slot in
            let f = slot.field
            guard f.min == nil, f.max == nil, f.pattern == nil else { return .general }
            switch f.type {
            case .text, .longText: return .text
            case .integer: return .integer
            case .decimal: return .decimal
            default: return .general
            }
        }
    }

    /// What one core wrote from its share of a chunk.
    struct Output: Sendable {
        var records: [UInt8] = []
        var columns: [UInt8] = []
        var written = 0
        /// Records (indices in the chunk) to go the usual way.
        var slow: [Int] = []
    }

    /// Where a cell's three texts are in a buffer; `state` 0 null, 1 present, 2 slow.
    struct Span: Sendable {
        var state: UInt8 = 0
        var json: Range<Int> = 0..<0, search: Range<Int> = 0..<0, column: Range<Int> = 0..<0
        static let null = Span(state: 0), slow = Span(state: 2)
    }

    /// One core's memory of cells already read, per field, keyed by their bytes; with the row
    /// being assembled.
    struct Worker: Sendable {
        var tables: [CellTable]
        var scratch: [UInt8] = []
        var spans: [Span]
        /// The spans, in `absentBytes`, of each slot's value when its column is missing.
        var absent: [Span] = []
        var absentBytes: [UInt8] = []

        /// A worker whose state was moved to a task.
        static var moved: Worker { Worker(tables: [], spans: []) }

        private init(tables: [CellTable], spans: [Span]) { self.tables = tables; self.spans = spans }

        init(_ kernel: ImportKernel) {
            tables = kernel.plan.slots.map { _ in CellTable() }
            spans = Array(repeating: .null, count: kernel.plan.slots.count)
            for slot in kernel.plan.slots {
                absent.append(kernel.span(of: kernel.plan.absent[slot.index]!, into: &absentBytes))
            }
        }
    }

    /// Records `rows` of `records`, the i-th with `ids[i]`.
    /// `out` is emptied first and keeps its capacity (the import hands back outputs already sent).
    func run(_ records: CSVRecords, rows: Range<Int>, ids: ArraySlice<UUID>, _ worker: inout Worker, into out: inout Output) {
        out.records.removeAll(keepingCapacity: true)
        out.columns.removeAll(keepingCapacity: true)
        out.slow.removeAll(keepingCapacity: true)
        out.written = 0
        out.records.reserveCapacity(rows.count * 512)
        out.columns.reserveCapacity(rows.count * 256)
        records.bytes.withUnsafeBufferPointer { base in
            for (r, id) in zip(rows, ids) {
                if !row(r, records, base, id, &worker, &out) { out.slow.append(r) }
            }
        }
    }

    func run(_ records: CSVRecords, rows: Range<Int>, ids: ArraySlice<UUID>, _ worker: inout Worker) -> Output {
        var out = Output()
        run(records, rows: rows, ids: ids, &worker, into: &out)
        return out
    }

    private func row(_ r: Int, _ records: CSVRecords, _ base: UnsafeBufferPointer<UInt8>, _ id: UUID,
                     _ w: inout Worker, _ out: inout Output) -> Bool {
        w.scratch.removeAll(keepingCapacity: true)
        let fields = records.fields(of: r)
        if fields.count > plan.width { return false }   // values past the header, perhaps: the usual way judges
        for (i, slot) in plan.slots.enumerated() {
            let span: Span
            if let column = slot.column, column < fields.count {
                let range = records.range(ofField: fields.lowerBound + column)
                let cell = UnsafeBufferPointer(rebasing: base[range])
                span = w.tables[i].isUseful ? cached(i, cell, &w) : evaluate(i, cell, into: &w.scratch)
            } else {
                span = Self.copy(w.absent[i], from: w.absentBytes, into: &w.scratch)
            }
            if span.state == 2 { return false }
            w.spans[i] = span
        }
        return w.scratch.withUnsafeBufferPointer { scratch in
            format == .copyText ? textLines(id, scratch, w.spans, &out) : binaryRows(id, scratch, w.spans, &out)
        }
    }

    /// The record's COPY text line (id, tenant, dataset, version, JSON, search text, stamps and
    /// actor) and its typed columns' line.
    private func textLines(_ id: UUID, _ scratch: UnsafeBufferPointer<UInt8>, _ spans: [Span], _ out: inout Output) -> Bool {
        Self.appendHex(id, to: &out.records)
        out.records.append(contentsOf: middle)
        appendJSON(scratch, spans, to: &out.records)
        out.records.append(0x09)
        appendSearch(scratch, spans, to: &out.records)
        out.records.append(contentsOf: tail)
        Self.appendHex(id, to: &out.columns)
        for i in plan.slots.indices {
            out.columns.append(0x09)
            if spans[i].state == 1 {
                out.columns.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[spans[i].column]))
            } else {
                out.columns.append(UInt8(ascii: "\\")); out.columns.append(UInt8(ascii: "N"))
            }
        }
        out.columns.append(0x0A)
        out.written += 1
        return true
    }

    /// The same two rows as binary COPY tuples (or their fields, for SQLite); false (nothing
    /// written) if a number's text does not read as its column's type.
    private func binaryRows(_ id: UUID, _ scratch: UnsafeBufferPointer<UInt8>, _ spans: [Span], _ out: inout Output) -> Bool {
        let columnsStart = out.columns.count
        let tuples = format == .copyBinary
        if tuples { PostgresBinary.append(Int16(1 + plan.slots.count), to: &out.columns) }
        PostgresBinary.field(uuid: id, to: &out.columns)
        for i in plan.slots.indices {
            guard spans[i].state == 1 else { PostgresBinary.null(to: &out.columns); continue }
            let text = UnsafeBufferPointer(rebasing: scratch[spans[i].column])
            switch columnKinds[i] {
            case .text:
                PostgresBinary.field(text: text, to: &out.columns)
            case .integer:
                guard let n = PostgresBinary.int64(text) else { out.columns.removeLast(out.columns.count - columnsStart); return false }
                PostgresBinary.field(int64: n, to: &out.columns)
            case .decimal where !tuples:
                // As `ValueColumns.real` reads the decimal's text (the sample check holds the
                // texts equal).
                guard let d = Double(String(decoding: text, as: UTF8.self)) else { out.columns.removeLast(out.columns.count - columnsStart); return false }
                PostgresBinary.field(int64: Int64(bitPattern: d.bitPattern), to: &out.columns)
            case .decimal:
                guard PostgresBinary.field(numeric: text, to: &out.columns) else { out.columns.removeLast(out.columns.count - columnsStart); return false }
            }
        }
        if tuples { PostgresBinary.append(Int16(9), to: &out.records) }
        PostgresBinary.field(uuid: id, to: &out.records)
        out.records.append(contentsOf: middle)
        var start = PostgresBinary.startField(&out.records)
        appendJSON(scratch, spans, to: &out.records)
        PostgresBinary.endField(start, &out.records)
        start = PostgresBinary.startField(&out.records)
        appendSearch(scratch, spans, to: &out.records)
        PostgresBinary.endField(start, &out.records)
        out.records.append(contentsOf: tail)
        out.written += 1
        return true
    }

    private func appendJSON(_ scratch: UnsafeBufferPointer<UInt8>, _ spans: [Span], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for i in plan.jsonOrder where spans[i].state == 1 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[spans[i].json]))
        }
        out.append(UInt8(ascii: "}"))
    }

    private func appendSearch(_ scratch: UnsafeBufferPointer<UInt8>, _ spans: [Span], to out: inout [UInt8]) {
        var first = true
        for i in plan.searchOrder where spans[i].state == 1 {
            if !first { out.append(0x20) }
            first = false
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[spans[i].search]))
        }
    }

    /// A cell through slot `i`'s table: its remembered texts, or read and remembered.
    private func cached(_ i: Int, _ cell: UnsafeBufferPointer<UInt8>, _ w: inout Worker) -> Span {
        let found = w.tables[i].find(cell)
        if case .found(let entry) = found {
            return Self.copy(w.tables[i].entries[entry].span, from: w.tables[i].arena, into: &w.scratch)
        }
        let span = evaluate(i, cell, into: &w.scratch)
        w.tables[i].insert(cell, at: found, span: span, from: w.scratch)
        return span
    }

    /// Reads a cell of slot `i`, appending its texts to `out`.
    func evaluate(_ i: Int, _ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Span {
        switch lanes[i] {
        case .text:
            if let upper = Self.plainText(cell) {
                let j = out.count
                out.append(contentsOf: keys[i]); out.append(0x22); out.append(contentsOf: cell); out.append(0x22)
                let s = out.count
                if upper { for b in cell { out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) } } else { out.append(contentsOf: cell) }
                let c = out.count
                out.append(contentsOf: cell)
                return Span(state: 1, json: j..<s, search: s..<c, column: c..<out.count)
            }
        case .integer:
            if Self.plainInteger(cell) {
                let j = out.count
                out.append(contentsOf: keys[i]); out.append(contentsOf: cell)
                return number(from: j, digitsAt: j + keys[i].count, in: &out)
            }
        case .decimal:
            let j = out.count
            out.append(contentsOf: keys[i])
            if ThaiDigits.decimalDescription(ofPlain: cell, into: &out) { return number(from: j, digitsAt: j + keys[i].count, in: &out) }
            out.removeLast(keys[i].count)
        case .general:
            break
        }
        let text = String(decoding: cell, as: UTF8.self)
        let field = plan.slots[i].field
        do throws(FieldError) {
            let value = try field.parse(text: text)
            return span(of: ImportService.FastPlan.cell(field, value: value, errors: field.check(value), encoder: plan.encoder, input: text), into: &out)
        } catch {
            return .slow
        }
    }

    /// A number's texts: its JSON fragment (`"key":` then its digits, written at `start`, the
    /// digits from `digits`), then the digits again as the search text and as the column.
    private func number(from start: Int, digitsAt digits: Int, in out: inout [UInt8]) -> Span {
        let s = out.count
        for _ in 0..<2 { for k in digits..<s { out.append(out[k]) } }
        let c = s + (s - digits)
        return Span(state: 1, json: start..<s, search: s..<c, column: c..<out.count)
    }

    /// A cell the plan read: its texts as COPY writes them, or slow where the plan would not
    /// assemble the row in parts.
    func span(of r: ImportService.CellResult, into out: inout [UInt8]) -> Span {
        guard r.errors.isEmpty else { return .slow }
        guard let value = r.value, !value.isNull else { return .null }
        guard let json = r.json, let search = r.search, !search.isEmpty, let column = r.columnText else { return .slow }
        let j = out.count
        append(json, to: &out)
        let s = out.count
        append(search, to: &out)
        let c = out.count
        append(column, to: &out)
        return Span(state: 1, json: j..<s, search: s..<c, column: c..<out.count)
    }

    static func copy(_ span: Span, from bytes: [UInt8], into out: inout [UInt8]) -> Span {
        guard span.state == 1 else { return span }
        let shift = out.count - span.json.lowerBound
        out.append(contentsOf: bytes[span.json.lowerBound..<span.column.upperBound])
        return Span(state: 1, json: span.json.lowerBound + shift..<span.json.upperBound + shift,
                    search: span.search.lowerBound + shift..<span.search.upperBound + shift,
                    column: span.column.lowerBound + shift..<span.column.upperBound + shift)
    }

    // MARK: Byte paths

    /// Whether a text cell's value, JSON, search text and column are its own bytes (the search
    /// text with Latin capitals lowered): returns whether it has capitals, nil when not plain.
    /// Plain: every character as `SearchText.staysPlain` (the plain path of `normalize`) allows,
    /// no `"` or `\` (which JSON escapes), starting and ending as `FastPlan.isPlainEdge` allows
    /// (so nothing to trim, and safe to join). The import's sample check holds it to them.
    static func plainText(_ cell: UnsafeBufferPointer<UInt8>) -> Bool? {
        var i = 0, upper = false, previous: UInt32 = 0x20
        let n = cell.count
        // A long text, and one behind an export's apostrophe, are judged the usual way.
        guard n > 0, n <= FieldDefinition.maxTextLength, cell[0] != 0x27 else { return nil }
        while i < n {
            let at = i, b = cell[i]
            let v: UInt32
            if b < 0x80 {
                guard b != 0x22, b != 0x5C else { return nil }    // quoted and escaped in JSON
                v = UInt32(b)
                i += 1
            } else {
                // Only Thai (U+0E00 to U+0E7F, three bytes) beyond ASCII.
                guard b == 0xE0, i + 2 < n else { return nil }
                let b1 = cell[i + 1], b2 = cell[i + 2]
                guard b1 == 0xB8 || b1 == 0xB9, b2 & 0xC0 == 0x80 else { return nil }
                v = 0x0E00 + (b1 == 0xB9 ? 0x40 : 0) + UInt32(b2 & 0x3F)
                i += 3
            }
            guard SearchText.staysPlain(v, after: previous) else { return nil }
            if at == 0 { guard ImportService.FastPlan.isPlainEdge(v, leading: true) else { return nil } }
            if (0x41...0x5A).contains(v) { upper = true }
            previous = v
        }
        guard ImportService.FastPlan.isPlainEdge(previous, leading: false) else { return nil }
        return upper
    }

    /// `-?digits` with no leading zero (or `0`), at most 18 digits: a whole number whose text
    /// is itself.
    static func plainInteger(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = cell.first == UInt8(ascii: "-") ? 1 : 0
        let digits = cell.count - i
        guard digits >= 1, digits <= 18, cell[i] >= 0x30, cell[i] <= 0x39 else { return false }
        if cell[i] == 0x30 { return digits == 1 && i == 0 }
        i += 1
        while i < cell.count { guard cell[i] >= 0x30 && cell[i] <= 0x39 else { return false }; i += 1 }
        return true
    }

    // MARK: COPY text

    /// A text as the format writes it: escaped for COPY's text format, as it is for binary.
    func append(_ text: String, to out: inout [UInt8]) {
        if format == .copyText { Self.appendEscaped(text, to: &out) } else { out.append(contentsOf: text.utf8) }
    }

    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 {
            if let letter = PostgresCopy.escape(b) { out.append(UInt8(ascii: "\\")); out.append(letter) } else { out.append(b) }
        }
    }

    static func appendHex(_ id: UUID, to out: inout [UInt8]) {
        let at = out.count
        out.append(contentsOf: repeatElement(0, count: 32))
        out.withUnsafeMutableBufferPointer { PostgresCopy.writeHex(id, into: $0.baseAddress! + at) }
    }
}

/// Cells of one field already read, by their bytes (open addressing, bounded like
/// `FieldCaches`: a column whose cells rarely repeat stops being looked up).
struct CellTable: Sendable {
    struct Entry: Sendable { let hash: UInt64; let key: Range<Int>; let span: ImportKernel.Span }
    var arena: [UInt8] = []
    var entries: [Entry] = []
    private var places = [Int32](repeating: -1, count: 2 * ImportService.FieldCaches.limit)
    var lookups = 0, hits = 0

    var isUseful: Bool { ImportService.FieldCaches.isUseful(lookups: lookups, hits: hits) }

    enum Found { case found(Int), missing(place: Int, hash: UInt64) }

    mutating func find(_ cell: UnsafeBufferPointer<UInt8>) -> Found {
        lookups += 1
        let hash = Self.hash(cell)
        let mask = places.count - 1
        var place = Int(truncatingIfNeeded: hash) & mask
        while true {
            let e = Int(places[place])
            if e < 0 { return .missing(place: place, hash: hash) }
            let entry = entries[e]
            if entry.hash == hash, entry.key.count == cell.count,
               arena.withUnsafeBufferPointer({ a in cell.isEmpty || memcmp(a.baseAddress! + entry.key.lowerBound, cell.baseAddress!, cell.count) == 0 }) {
                hits += 1
                return .found(e)
            }
            place = (place + 1) & mask
        }
    }

    /// Remembers `cell` with its texts (at `span` in `texts`), while there is room.
    mutating func insert(_ cell: UnsafeBufferPointer<UInt8>, at found: Found, span: ImportKernel.Span, from texts: [UInt8]) {
        guard case .missing(let place, let hash) = found, entries.count < ImportService.FieldCaches.limit else { return }
        let key = arena.count..<arena.count + cell.count
        arena.append(contentsOf: cell)
        places[place] = Int32(entries.count)
        entries.append(Entry(hash: hash, key: key, span: ImportKernel.copy(span, from: texts, into: &arena)))
    }

    static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(p.count)
        var i = 0
        if let base = p.baseAddress {
            while i + 8 <= p.count {
                h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                i += 8
            }
        }
        while i < p.count { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3; i += 1 }
        return h ^ (h >> 32)
    }
}
