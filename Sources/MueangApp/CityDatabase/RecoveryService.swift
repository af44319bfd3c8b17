import Foundation
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// The recovery workbench (กู้คืนข้อมูล) on top of the `Datasets` library: old copies of a
/// register are read, matched, and written as a new dataset whose every value names its source.
struct RecoveryService: Sendable {
    let scope: TenantScope
    let actor: String

    /// A copy as read from its file: the header and the data rows with their row numbers.
    static func table(_ source: any RowSource, name: String) throws -> RecoveryTable {
        do {
            let header = try source.header()
            var rows: [RecoveryTableRow] = []
            while let row = try source.next() { rows.append(RecoveryTableRow(number: row.number, cells: row.cells)) }
            return RecoveryTable(name: name, header: header, rows: rows)
        } catch let e as TabularError {
            throw AppError.invalid(th: "\(name): \(e.message.th)", en: "\(name): \(e.message.en)")
        }
    }

    func match(fields: [FieldDefinition], keys: [RecoveryKey], sources: [RecoverySource],
               choices: [Int: [String: RecoveryChoice]] = [:]) throws -> RecoveryWorkbench {
        var bench = RecoveryWorkbench(sources: sources, keys: keys, schema: DatasetSchema(fields: fields))
        do { try bench.apply(choices) } catch { throw AppError.invalid(th: error.message.th, en: error.message.en) }
        return bench
    }

    /// The owning division of a new recovered register, checked against the person: admins any
    /// division of the tenant or none; staff one of their own (their only one when none is given).
    static func division(_ slug: String?, user: CurrentUser, scope: TenantScope) async throws -> String? {
        var slug = slug.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        if slug == nil, user.role == .staff {
            guard user.divisionIDs.count == 1, let only = user.divisionIDs.first, let d = try await scope.find(Division.self, only) else {
                throw AppError.invalid(th: "เลือกกองเจ้าของทะเบียนที่กู้คืน", en: "Choose the division that will own the recovered register.")
            }
            slug = d.slug
        }
        guard let slug else { return nil }
        guard let division = try await scope.query(Division.self).filter(\.$slug == slug).first() else {
            throw AppError.invalid(th: "ไม่พบกอง \(slug)", en: "No division \(slug).")
        }
        guard DatasetAccess(user: user).canCreate(divisionID: division.id) else {
            throw AppError(.forbidden, th: "คุณสร้างทะเบียนให้\(division.nameTH)ไม่ได้ เลือกกองของคุณเอง",
                           en: "You cannot create a register for the \(division.nameEN); choose your own division.")
        }
        return slug
    }

    struct Written: Sendable {
        let dataset: Dataset
        let records: Int
        /// Values their field could not take, kept in the source note instead.
        let setAside: Int
    }

    /// Writes the recovered records as a new dataset in one transaction, with a field
    /// (`recovered_from`) naming each value's copy and row, Thai first. A value its field cannot
    /// take is named in that note instead (nothing is lost); a record that still cannot be
    /// written (a required field empty) stops the whole write with a 422 naming it, and nothing
    /// is written.
    func write(_ bench: RecoveryWorkbench, fields: [FieldDefinition], slug: String, title: LocalizedMessage, division: String?) async throws -> Written {
        let outputs = bench.outputs()
        let blocked = outputs.filter { !$0.errors.isEmpty }
        if !blocked.isEmpty {
            let list = blocked.prefix(5).map { o in (th: "ระเบียน #\(o.record + 1): \(o.errors.map(\.message.th).joined(separator: ", "))",
                                                     en: "record #\(o.record + 1): \(o.errors.map(\.message.en).joined(separator: ", "))") }
            throw AppError.invalid(th: "ยังบันทึกไม่ได้ \(blocked.count) ระเบียน: " + list.map(\.th).joined(separator: "; "),
                                   en: "\(blocked.count) record(s) cannot be written yet: " + list.map(\.en).joined(separator: "; "))
        }
        var all = fields
        var noteKey = "recovered_from"
        var n = 2
        while all.contains(where: { $0.key == noteKey }) { noteKey = "recovered_from_\(n)"; n += 1 }
        var origin = FieldDefinition(key: noteKey, type: .longText)
        origin.label = LocalizedMessage(th: "แหล่งที่มาของค่า", en: "Sources of the values")
        all.append(origin)
        let actor = self.actor
        let key = noteKey
        let written = all
        do {
            return try await scope.transaction { tx in
                let service = DatasetService(scope: tx, actor: actor, fieldsHeld: true)
                let d = try await service.create(.init(slug: slug, title: title, divisionSlug: division, fields: written))
                for output in outputs {
                    var values = output.values.mapValues(\.text)
                    values[key] = output.note
                    _ = try await service.createRecord(d, .text(values))
                }
                return Written(dataset: d, records: outputs.count, setAside: outputs.reduce(0) { $0 + $1.setAside.count })
            }
        } catch let e as DatasetService.InvalidRecord {
            let first = e.errors.first?.message ?? LocalizedMessage(th: "ค่าไม่ถูกต้อง", en: "invalid value")
            throw AppError.invalid(th: "บันทึกไม่ได้ ไม่มีอะไรถูกบันทึก: \(first.th)", en: "Nothing was written: \(first.en)")
        }
    }
}
