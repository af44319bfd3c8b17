import Foundation
import Datasets
import Tabular
import ThaiConventions

/// The recovery workbench (กู้คืนข้อมูล) on top of the `Datasets` library: old copies of a
/// register are read, matched, and written as a new dataset whose every value names its source.
struct RecoveryService: Sendable {
    let scope: TenantScope
    let actor: String

    /// A copy as read from its file: the header and the data rows with their row numbers.
    struct Table: Sendable {
        var header: [String]
        var rows: [(number: Int, cells: [String])]
    }

    static func table(_ source: any RowSource, name: String) throws -> Table {
        do {
            let header = try source.header()
            var rows: [(Int, [String])] = []
            while let row = try source.next() { rows.append(row) }
            return Table(header: header, rows: rows)
        } catch let e as TabularError {
            throw AppError.invalid(th: "\(name): \(e.message.th)", en: "\(name): \(e.message.en)")
        }
    }

    /// Rows keyed by field, from a column → field mapping (nil columns are left out).
    static func rows(_ table: Table, mapping: [String?]) -> [RecoveryRow] {
        table.rows.map { row in
            var values: [String: String] = [:]
            for (i, key) in mapping.enumerated() { if let key, i < row.cells.count, !row.cells[i].isEmpty { values[key] = row.cells[i] } }
            return RecoveryRow(number: row.number, values: values)
        }
    }

    func match(fields: [FieldDefinition], keys: [RecoveryKey], sources: [RecoverySource],
               choices: [Int: [String: RecoveryChoice]] = [:]) throws -> RecoveryWorkbench {
        var bench = RecoveryWorkbench(sources: sources, keys: keys, schema: DatasetSchema(fields: fields))
        do { try bench.apply(choices) } catch { throw AppError.invalid(th: error.message.th, en: error.message.en) }
        return bench
    }

    /// Writes the recovered records as a new dataset with a `recovered_from` field naming each
    /// value's copy and row. Returns the dataset and how many records were written.
    func write(_ bench: RecoveryWorkbench, fields: [FieldDefinition], slug: String, title: LocalizedMessage, division: String?) async throws -> (Dataset, Int) {
        var all = fields
        if !all.contains(where: { $0.key == "recovered_from" }) {
            var origin = FieldDefinition(key: "recovered_from", type: .longText)
            origin.label = LocalizedMessage(th: "แหล่งที่มาของค่า", en: "Sources of the values")
            all.append(origin)
        }
        let service = DatasetService(scope: scope, actor: actor)
        let d = try await service.create(.init(slug: slug, title: title, divisionSlug: division, fields: all))
        var written = 0
        for item in bench.validatedRecords() {
            var texts: [String: String] = [:]
            for (key, value) in item.validation.values { texts[key] = value.text }
            texts["recovered_from"] = item.origins.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            // A value that fits no field's type stays out (its source is still named), never the whole record.
            do { _ = try await service.createRecord(d, .text(texts)); written += 1 } catch is DatasetService.InvalidRecord {
                let textKeys = Set(fields.filter { $0.type == .text }.map(\.key))
                let kept = texts.filter { entry in entry.key == "recovered_from" || textKeys.contains(entry.key) }
                _ = try? await service.createRecord(d, .text(kept))
                written += 1
            }
        }
        return (d, written)
    }
}
