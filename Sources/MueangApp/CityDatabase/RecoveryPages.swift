import Vapor
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// กู้คืนข้อมูล in the browser: upload old copies of a register, map their columns to fields,
/// match rows across copies, settle the disagreements, and write the recovered dataset.
enum RecoveryPages {
    static let maxCopies = 4

    static func register(_ site: Site) {
        site.page(.GET, .recovery, .requires(.designDatasets)) { req, ctx in try await start(req, ctx) }
        site.page(.POST, .recoveryUpload, .requires(.designDatasets), maxBody: "64mb", upload)
        site.page(.POST, .recoveryMatch, .requires(.designDatasets), match)
        site.page(.POST, .recoveryWrite, .requires(.designDatasets), write)
    }

    static func url(_ ctx: TenantContext, _ p: SiteURL.TenantPage) -> String { SiteURL.tenant(ctx.tenant.slug, p).path }

    static func start(_ req: Request, _ ctx: TenantContext, error: LocalizedMessage? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error)
        let copies = (0..<maxCopies).html { i in
            """
            <fieldset class="row"><legend>\(chrome.t("สำเนาที่", "Copy")) \(i + 1)</legend>
              <label>\(chrome.t("ไฟล์ (CSV หรือ XLSX)", "File (CSV or XLSX)"))<input type="file" name="file\(i)" class="copy-file" accept=".csv,.txt,.xlsx"></label>
              <label>\(chrome.t("ชื่อสำเนา", "Name"))<input name="name\(i)" placeholder="\(chrome.t("ทะเบียนปี 2565", "Register 2565"))"></label>
              <label>\(chrome.t("ข้อมูล ณ วันที่", "As of"))<input name="date\(i)" placeholder="31/12/2565"></label>
            </fieldset>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("กู้คืนข้อมูลจากสำเนาเก่า", "Recover a register from old copies"))</h1>
        <p>\(chrome.t("อัปโหลดสำเนาของทะเบียนเดียวกันจากหลายปีหรือหลายคน ระบบจะจับคู่แถวด้วยเลขประจำตัวประชาชน บ้านเลขที่กับหมู่ หรือชื่อ แล้วให้เลือกค่าที่ถูกต้องเมื่อสำเนาไม่ตรงกัน",
                      "Upload copies of the same register from different years or people. Rows are matched by national ID, house number and village, or name; where the copies disagree you choose."))</p>
        <form method="post" action="\(url(ctx, .recoveryUpload))" enctype="multipart/form-data" class="stack wide" id="recovery-upload">
          \(chrome.csrfField)
          \(copies)
          <button type="submit" id="recovery-next">\(chrome.t("ต่อไป: จับคู่คอลัมน์", "Next: map the columns"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("กู้คืนข้อมูล", "Recovery"), body), status: status)
    }

    /// What the pages pass along between steps.
    struct Copy: Sendable { var upload: UUID; var name: String; var date: CalendarDay; var table: RecoveryService.Table }

    static func fileURL(_ req: Request, _ ctx: TenantContext, _ id: UUID) -> URL {
        DatasetPages.uploadURL(req, ctx, id)
    }

    static func readCopy(_ req: Request, _ ctx: TenantContext, upload: UUID, name: String, date: String) throws -> Copy {
        let url = fileURL(req, ctx, upload)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AppError(.gone, th: "ไม่พบไฟล์ที่อัปโหลด กรุณาเริ่มใหม่", en: "The uploaded file is gone; please start again.")
        }
        let day: CalendarDay
        do { day = try CalendarDay.parse(date) } catch { throw AppError.invalid(th: "\(name): \(error.message.th)", en: "\(name): \(error.message.en)") }
        let table = try RecoveryService.table(try DatasetImportEndpoint.openSource(url, req), name: name)
        return Copy(upload: upload, name: name, date: day, table: table)
    }

    static func upload(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        var copies: [Copy] = []
        do {
            for i in 0..<maxCopies {
                guard let file = try? req.content.get(File.self, at: "file\(i)"), file.data.readableBytes > 0 else { continue }
                let name = ((try? req.content.get(String.self, at: "name\(i)")) ?? "").trimmingCharacters(in: .whitespaces)
                let date = (try? req.content.get(String.self, at: "date\(i)")) ?? ""
                let id = UUID()
                let url = fileURL(req, ctx, id)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(buffer: file.data).write(to: url)
                copies.append(try readCopy(req, ctx, upload: id, name: name.isEmpty ? file.filename : name, date: date))
            }
            guard copies.count >= 2 else {
                throw AppError.invalid(th: "ต้องมีสำเนาอย่างน้อย 2 ไฟล์ พร้อมวันที่ของข้อมูล", en: "Upload at least two copies, each with its date.")
            }
        } catch let e as AppError where (400..<500).contains(e.status.code) {
            return try await start(req, ctx, error: e.message, status: e.status)
        }
        return try await mappingPage(req, ctx, copies)
    }

    /// One field per distinct column name (spacing, case and digits ignored), in order of appearance.
    static func proposedFields(_ copies: [Copy]) -> [(key: String, label: String, type: FieldType)] {
        var seen: [String: Int] = [:]
        var out: [(String, String, FieldType)] = []
        for copy in copies {
            for (i, header) in copy.table.header.enumerated() {
                let norm = SearchText.compactKey(header)
                guard !norm.isEmpty, seen[norm] == nil else { continue }
                seen[norm] = out.count
                let samples = copy.table.rows.prefix(50).compactMap { i < $0.cells.count ? $0.cells[i] : nil }.filter { !$0.isEmpty }
                out.append(("f\(out.count + 1)", header, guessType(samples)))
            }
        }
        return out
    }

    static func guessType(_ samples: [String]) -> FieldType {
        guard !samples.isEmpty else { return .text }
        func most(_ ok: (String) -> Bool) -> Bool { samples.filter(ok).count * 10 >= samples.count * 8 }
        if most({ ThaiNationalID.isValid($0) }) { return .thaiID }
        let digits: (String) -> String = { ThaiDigits.toASCII($0).filter(\.isNumber) }
        // Thai phone numbers start with 0 and have 9-10 digits; a number would lose that 0.
        if most({ let d = digits($0); return d.hasPrefix("0") && (9...10).contains(d.count) }) { return .phone }
        if most({ ThaiDigits.parseInteger($0) != nil && !ThaiDigits.toASCII($0).hasPrefix("0") }) { return .integer }
        if most({ (try? CalendarDay.parse($0)) != nil && !$0.allSatisfy(\.isNumber) }) { return .date }
        return .text
    }

    static func mappingPage(_ req: Request, _ ctx: TenantContext, _ copies: [Copy]) async throws -> Response {
        let chrome = req.chrome(ctx)
        let fields = proposedFields(copies)
        let typeOptions: (FieldType) -> HTML = { chosen in
            FieldType.allCases.html { t in "<option value=\"\(t.rawValue)\"\(t == chosen ? HTML(raw: " selected") : .empty)>\(chrome.t(t.label))</option>" }
        }
        let fieldRows = fields.enumerated().html { j, f in
            """
            <tr><td><input name="fkey\(j)" value="\(f.key)" pattern="[a-z][a-z0-9_]{0,62}" size="10"></td>
            <td><input name="flabel\(j)" value="\(f.label)"></td><td><select name="ftype\(j)">\(typeOptions(f.type))</select></td></tr>
            """
        }
        let fieldOptions: (Int?) -> HTML = { chosen in
            "<option value=\"\">–</option>" as HTML + fields.indices.html { j in "<option value=\"\(j)\"\(j == chosen ? HTML(raw: " selected") : .empty)>\(fields[j].label)</option>" }
        }
        let copyBlocks = copies.enumerated().html { i, copy in
            let columns = copy.table.header.enumerated().html { c, header in
                let norm = SearchText.compactKey(header)
                let j = fields.firstIndex { SearchText.compactKey($0.label) == norm }
                return "<tr><td>\(header)</td><td><select name=\"map\(i)_\(c)\">\(fieldOptions(j))</select></td></tr>"
            }
            return """
            <div class="card"><h3>\(copy.name) · \(chrome.t("ข้อมูล ณ", "as of")) \(copy.date.formatted(chrome.lang == .th ? .thaiShort : .english)) · \(copy.table.rows.count) \(chrome.t("แถว", "rows"))</h3>
            <input type="hidden" name="upload\(i)" value="\(copy.upload.uuidString)"><input type="hidden" name="name\(i)" value="\(copy.name)"><input type="hidden" name="date\(i)" value="\(copy.date.iso8601)">
            <table>\(columns)</table></div>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("จับคู่คอลัมน์และวิธีจับคู่แถว", "Map the columns and how rows match"))</h1>
        <form method="post" action="\(url(ctx, .recoveryMatch))" class="stack wide" id="recovery-mapping">
          \(chrome.csrfField)
          <input type="hidden" name="copies" value="\(copies.count)"><input type="hidden" name="fields" value="\(fields.count)">
          <h2>\(chrome.t("ช่องของทะเบียนที่กู้คืน", "Fields of the recovered register"))</h2>
          <div class="table-wrap"><table id="recovery-fields"><thead><tr><th>\(chrome.t("รหัสช่อง", "Key"))</th><th>\(chrome.t("ป้ายชื่อ", "Label"))</th><th>\(chrome.t("ชนิด", "Type"))</th></tr></thead><tbody>\(fieldRows)</tbody></table></div>
          <h2>\(chrome.t("คอลัมน์ของแต่ละสำเนา", "Columns of each copy"))</h2>
          <div class="cards">\(copyBlocks)</div>
          <h2>\(chrome.t("จับคู่แถวด้วย (ตามลำดับ)", "Match rows by (in this order)"))</h2>
          <div class="row">
            <label>\(chrome.t("เลขประจำตัวประชาชน", "National ID"))<select name="key_id">\(fieldOptions(fields.firstIndex { $0.type == .thaiID }))</select></label>
            <label>\(chrome.t("บ้านเลขที่", "House no."))<select name="key_house">\(fieldOptions(nil))</select></label>
            <label>\(chrome.t("หมู่/ชุมชน", "Village"))<select name="key_village">\(fieldOptions(nil))</select></label>
            <label>\(chrome.t("ชื่อ-สกุล", "Name"))<select name="key_name">\(fieldOptions(fields.firstIndex { $0.label.contains("ชื่อ") || $0.label.lowercased().contains("name") }))</select></label>
          </div>
          <button type="submit" id="recovery-match">\(chrome.t("จับคู่และตรวจสอบ", "Match and review"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("กู้คืนข้อมูล", "Recovery"), body))
    }

    /// Everything the mapping form sent: copies, fields, mappings and keys, read back and checked.
    struct Plan {
        var copies: [Copy]
        var fields: [FieldDefinition]
        var sources: [RecoverySource]
        var keys: [RecoveryKey]
    }

    /// The posted form, decoded once.
    static func form(_ req: Request) -> [String: String] {
        (try? req.content.decode([String: String].self)) ?? [:]
    }

    static func plan(_ req: Request, _ ctx: TenantContext) throws -> Plan {
        let posted = form(req)
        func text(_ k: String) -> String { (posted[k] ?? "").trimmingCharacters(in: .whitespaces) }
        guard let copyCount = Int(text("copies")), let fieldCount = Int(text("fields")), (1...maxCopies).contains(copyCount), (1...500).contains(fieldCount) else {
            throw AppError(.badRequest, th: "แบบฟอร์มไม่ครบ กรุณาเริ่มใหม่", en: "The form is incomplete; please start again.")
        }
        var fields: [FieldDefinition] = []
        for j in 0..<fieldCount {
            guard let type = FieldType(rawValue: text("ftype\(j)")) else { throw AppError.invalid(th: "ชนิดช่องไม่ถูกต้อง", en: "Unknown field type.") }
            var f = FieldDefinition(key: text("fkey\(j)"), type: type)
            let label = text("flabel\(j)")
            if !label.isEmpty { f.label = LocalizedMessage(th: label, en: label) }
            fields.append(f)
        }
        if let problem = DatasetSchema(fields: fields).problems().first { throw AppError.invalid(th: problem.message.th, en: problem.message.en) }
        var copies: [Copy] = [], sources: [RecoverySource] = []
        for i in 0..<copyCount {
            guard let upload = UUID(uuidString: text("upload\(i)")) else { throw AppError(.badRequest, th: "แบบฟอร์มไม่ครบ", en: "The form is incomplete.") }
            let copy = try readCopy(req, ctx, upload: upload, name: text("name\(i)"), date: text("date\(i)"))
            let mapping: [String?] = copy.table.header.indices.map { c in Int(text("map\(i)_\(c)")).flatMap { $0 < fields.count ? fields[$0].key : nil } }
            copies.append(copy)
            sources.append(RecoverySource(name: copy.name, date: copy.date, rows: RecoveryService.rows(copy.table, mapping: mapping)))
        }
        func field(_ k: String) -> String? { Int(text(k)).flatMap { $0 < fields.count ? fields[$0].key : nil } }
        var keys: [RecoveryKey] = []
        if let id = field("key_id") { keys.append(.nationalID(field: id)) }
        if let house = field("key_house"), let village = field("key_village") { keys.append(.houseAndVillage(house: house, village: village)) }
        if let name = field("key_name") { keys.append(.name(fields: [name])) }
        guard !keys.isEmpty else { throw AppError.invalid(th: "เลือกวิธีจับคู่แถวอย่างน้อยหนึ่งวิธี", en: "Choose at least one way to match rows.") }
        return Plan(copies: copies, fields: fields, sources: sources, keys: keys)
    }

    /// The hidden inputs that carry a plan to the next step.
    static func hidden(_ req: Request) -> HTML {
        let plan = Set(["copies", "fields", "key_id", "key_house", "key_village", "key_name"])
        let prefixes = ["fkey", "flabel", "ftype", "upload", "name", "date", "map"]
        let carried = form(req).filter { key, _ in plan.contains(key) || prefixes.contains { key.hasPrefix($0) } }
        return carried.keys.sorted().html { n in "<input type=\"hidden\" name=\"\(n)\" value=\"\(carried[n] ?? "")\">" }
    }

    static func match(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let chrome = req.chrome(ctx)
        let p: Plan
        do { p = try plan(req, ctx) } catch let e as AppError where (400..<500).contains(e.status.code) {
            return try await start(req, ctx, error: e.message, status: e.status)
        }
        let bench = try RecoveryService(scope: ctx.scope, actor: user.username).match(fields: p.fields, keys: p.keys, sources: p.sources)
        let conflicted = bench.records.filter(\.hasConflicts)
        let label: (String) -> String = { key in p.fields.first { $0.key == key }.map { chrome.t($0.displayLabel) } ?? key }
        let conflictRows = conflicted.prefix(200).html { record in
            record.fields.filter(\.disagree).html { field in
                let options = field.candidates.enumerated().html { k, c in
                    let source: String = { if case .row(let s, let r) = c.origin { return "\(s) · \(chrome.t("แถว", "row")) \(r)" } else { return "manual" } }()
                    let value: String = { if case .row(let s, _) = c.origin { return s } else { return "" } }()
                    let checked = field.suggested == c
                    return "<label class=\"check\"><input type=\"radio\" name=\"choice_\(record.id)_\(field.key)\" value=\"\(value)\"\(checked ? HTML(raw: " checked") : .empty)> <strong>\(c.value)</strong> <span class=\"muted\">(\(source))</span></label>"
                }
                return "<tr><td>#\(record.id)</td><td>\(record.values.first { p.keys.flatMap(\.fields).contains($0.key) }?.value ?? "")</td><td>\(label(field.key))</td><td>\(options)</td></tr>"
            }
        }
        let slugSuggestion = "recovered-" + String(Int(Date().timeIntervalSince1970) % 100_000)
        let body: HTML = """
        <h1>\(chrome.t("ผลการจับคู่", "Matching result"))</h1>
        <p id="recovery-summary">\(chrome.t("ระเบียนที่กู้คืน", "Recovered records")) <strong id="recovered-count">\(bench.records.count)</strong> ·
          \(chrome.t("มีค่าไม่ตรงกัน", "with disagreements")) <strong id="conflict-count">\(conflicted.count)</strong> ·
          \(chrome.t("แถวซ้ำในสำเนาเดียวกัน", "duplicates within a copy")) <strong>\(bench.duplicates.count)</strong></p>
        <form method="post" action="\(url(ctx, .recoveryWrite))" class="stack wide" id="recovery-write">
          \(chrome.csrfField)
          \(hidden(req))
          <h2>\(chrome.t("เลือกค่าที่ถูกต้อง (ค่าเริ่มต้นคือสำเนาล่าสุด)", "Choose the right values (the newest copy is suggested)"))</h2>
          <div class="table-wrap"><table id="conflicts"><thead><tr><th>#</th><th>\(chrome.t("กุญแจ", "Key"))</th><th>\(chrome.t("ช่อง", "Field"))</th><th>\(chrome.t("ค่าจากแต่ละสำเนา", "Values in the copies"))</th></tr></thead><tbody>\(conflictRows)</tbody></table></div>
          <div class="row">
            <label>\(chrome.t("ชื่อทะเบียนใหม่ (ไทย)", "New register (Thai)"))<input name="titleTH" required value="\(chrome.t("ทะเบียนที่กู้คืน", "Recovered register"))"></label>
            <label>\(chrome.t("ชื่อทะเบียนใหม่ (อังกฤษ)", "New register (English)"))<input name="titleEN" value="Recovered register"></label>
            <label>\(chrome.t("รหัส", "Slug"))<input name="slug" required pattern="[a-z0-9-]{2,40}" value="\(slugSuggestion)"></label>
          </div>
          <button type="submit" id="recovery-save">\(chrome.t("บันทึกทะเบียนที่กู้คืน", "Save the recovered register"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("กู้คืนข้อมูล", "Recovery"), body))
    }

    static func write(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let p = try plan(req, ctx)
        let recovery = RecoveryService(scope: ctx.scope, actor: user.username)
        let initial = try recovery.match(fields: p.fields, keys: p.keys, sources: p.sources)
        var choices: [Int: [String: RecoveryChoice]] = [:]
        let posted = form(req)
        for record in initial.records where record.hasConflicts {
            for field in record.fields where field.disagree {
                if let source = posted["choice_\(record.id)_\(field.key)"], !source.isEmpty {
                    choices[record.id, default: [:]][field.key] = .source(source)
                }
            }
        }
        let bench = try recovery.match(fields: p.fields, keys: p.keys, sources: p.sources, choices: choices)
        struct Target: Content { var slug: String; var titleTH: String; var titleEN: String? }
        let target = try req.content.decode(Target.self)
        let division = user.role == .staff ? try await user.divisionIDs.first.asyncMap { try await ctx.scope.find(Division.self, $0)?.slug } ?? nil : nil
        let (d, count) = try await recovery.write(bench, fields: p.fields, slug: target.slug.trimmingCharacters(in: .whitespaces),
                                                  title: .init(th: target.titleTH, en: target.titleEN ?? target.titleTH), division: division)
        try await req.audit("create", "dataset", id: d.slug, "recovered \(count) record(s) from \(p.copies.count) copies into \(d.slug)")
        for copy in p.copies { try? FileManager.default.removeItem(at: fileURL(req, ctx, copy.upload)) }
        return req.redirect(.tenant(ctx.tenant.slug, .dataset(.slug(d.slug))), notice: "created")
    }
}
