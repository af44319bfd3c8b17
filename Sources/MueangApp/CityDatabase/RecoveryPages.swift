import Vapor
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// กู้คืนข้อมูล in the browser: upload old copies of a register, map their columns to fields
/// (suggested across all copies), match rows across copies, settle each record's values, and
/// write the recovered dataset. A mistake re-shows the step it was made on, with everything the
/// person had entered.
enum RecoveryPages {
    static let maxCopies = 4
    /// Blank rows under the suggested fields, for a field of the person's own.
    static let blankFields = 2
    /// Records laid out one by one on the review page; the rest take the suggestions.
    static let shownRecords = 300

    static func register(_ site: Site) {
        site.page(.GET, .recovery, .requires(.designDatasets)) { req, ctx in try await start(req, ctx) }
        site.page(.POST, .recoveryUpload, .requires(.designDatasets), maxBody: "64mb", upload)
        site.page(.POST, .recoveryMatch, .requires(.designDatasets), maxBody: "16mb", match)
        site.page(.POST, .recoveryWrite, .requires(.designDatasets), maxBody: "16mb", write)
    }

    static func url(_ ctx: TenantContext, _ p: SiteURL.TenantPage) -> String { SiteURL.tenant(ctx.tenant.slug, p).path }

    static func page(_ chrome: PageChrome, _ body: HTML, status: HTTPResponseStatus = .ok) -> Response {
        htmlResponse(Layout.render(chrome, title: chrome.t("กู้คืนข้อมูล", "Recovery"), body), status: status)
    }

    // MARK: Step 1: upload

    static func start(_ req: Request, _ ctx: TenantContext, error: LocalizedMessage? = nil, status: HTTPResponseStatus = .ok,
                      entered: [String: String] = [:]) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error)
        let copies = (0..<maxCopies).html { i in
            """
            <fieldset class="row"><legend>\(chrome.t("สำเนาที่", "Copy")) \(i + 1)</legend>
              <label>\(chrome.t("ไฟล์ (CSV หรือ XLSX)", "File (CSV or XLSX)"))<input type="file" name="file\(i)" class="copy-file" accept=".csv,.txt,.xlsx"></label>
              <label>\(chrome.t("ชื่อสำเนา", "Name"))<input name="name\(i)" value="\(entered["name\(i)"])" placeholder="\(chrome.t("ทะเบียนปี 2565", "Register 2565"))"></label>
              <label>\(chrome.t("ข้อมูล ณ วันที่", "As of"))<input name="date\(i)" value="\(entered["date\(i)"])" placeholder="31/12/2565"></label>
            </fieldset>
            """
        }
        let body: HTML = """
        <h1>\(chrome.t("กู้คืนข้อมูลจากสำเนาเก่า", "Recover a register from old copies"))</h1>
        <p>\(chrome.t("อัปโหลดสำเนาของทะเบียนเดียวกันจากหลายปีหรือหลายคน ระบบจะจับคู่คอลัมน์ที่มีความหมายเดียวกัน จับคู่แถวด้วยเลขประจำตัวประชาชน บ้านเลขที่กับหมู่ หรือชื่อ แล้วให้เลือกค่าที่ถูกต้องเมื่อสำเนาไม่ตรงกัน",
                      "Upload copies of the same register from different years or people. Columns that mean the same are mapped together, rows are matched by national ID, house number and village, or name, and where the copies disagree you choose."))</p>
        <form method="post" action="\(url(ctx, .recoveryUpload))" enctype="multipart/form-data" class="stack wide" id="recovery-upload">
          \(chrome.csrfField)
          \(copies)
          <button type="submit" id="recovery-next">\(chrome.t("ต่อไป: จับคู่คอลัมน์", "Next: map the columns"))</button>
        </form>
        """
        return page(chrome, body, status: status)
    }

    /// An uploaded copy: where its file is kept between the steps, its name and date, its table.
    struct Copy: Sendable { var upload: UUID; var name: String; var date: CalendarDay; var table: RecoveryTable }

    static func fileURL(_ req: Request, _ ctx: TenantContext, _ id: UUID) -> URL {
        DatasetPages.uploadURL(req, ctx, id)
    }

    static func readCopy(_ req: Request, _ ctx: TenantContext, upload: UUID, name: String, date: String) throws -> Copy {
        let url = fileURL(req, ctx, upload)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AppError(.gone, th: "ไม่พบไฟล์ที่อัปโหลด กรุณาเริ่มใหม่", en: "The uploaded file is gone; please start again.")
        }
        let day: CalendarDay
        do { day = try CalendarDay.parse(date) } catch {
            throw AppError.invalid(th: "\(name): วันที่ของข้อมูล: \(error.message.th)", en: "\(name): the copy's date: \(error.message.en)")
        }
        let table = try RecoveryService.table(try DatasetImportEndpoint.openSource(url, req), name: name)
        return Copy(upload: upload, name: name, date: day, table: table)
    }

    static func upload(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        var copies: [Copy] = []
        var entered: [String: String] = [:]
        do {
            for i in 0..<maxCopies {
                entered["name\(i)"] = try? req.content.get(String.self, at: "name\(i)")
                entered["date\(i)"] = try? req.content.get(String.self, at: "date\(i)")
            }
            for i in 0..<maxCopies {
                guard let file = try? req.content.get(File.self, at: "file\(i)"), file.data.readableBytes > 0 else { continue }
                var name = (entered["name\(i)"] ?? "").trimmingCharacters(in: .whitespaces)
                if name.isEmpty { name = file.filename }
                // Each copy's name is the source of its values: no two alike.
                let base = name
                var n = 2
                while copies.contains(where: { $0.name == name }) { name = "\(base) (\(n))"; n += 1 }
                let id = UUID()
                let url = fileURL(req, ctx, id)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(buffer: file.data).write(to: url)
                do {
                    copies.append(try readCopy(req, ctx, upload: id, name: name, date: entered["date\(i)"] ?? ""))
                } catch {
                    try? FileManager.default.removeItem(at: url)
                    throw error
                }
            }
            guard copies.count >= 2 else {
                throw AppError.invalid(th: "ต้องมีสำเนาอย่างน้อย 2 ไฟล์ พร้อมวันที่ของข้อมูล", en: "Upload at least two copies, each with its date.")
            }
        } catch let e as AppError where (400..<500).contains(e.status.code) {
            for copy in copies { try? FileManager.default.removeItem(at: fileURL(req, ctx, copy.upload)) }
            return try await start(req, ctx, error: e.message, status: e.status, entered: entered)
        }
        let suggestion = RecoveryMapping.suggest(copies.map(\.table))
        return mappingPage(req, ctx, copies, MappingState(suggestion))
    }

    // MARK: Step 2: fields and columns

    /// The mapping form as it stands: suggested, or as the person last sent it.
    struct MappingState {
        struct Field {
            var key: String
            var label: String
            var labelEN: String
            /// Nil when the form sent a type that does not exist.
            var type: FieldType?
            var dropped: Bool
        }
        var fields: [Field]
        /// `columns[copy][column]`: the field index, nil to ignore the column.
        var columns: [[Int?]]
        var keyID: Int?, keyHouse: Int?, keyVillage: Int?, keyName: Int?

        init(_ s: RecoveryMappingSuggestion) {
            fields = s.fields.map { Field(key: $0.key, label: $0.label.th, labelEN: $0.label.en, type: $0.type, dropped: false) }
                + Array(repeating: Field(key: "", label: "", labelEN: "", type: .text, dropped: false), count: blankFields)
            columns = s.columns
            let index: (String) -> Int? = { key in s.fields.firstIndex { $0.key == key } }
            for key in s.keys {
                switch key {
                case .nationalID(let f): keyID = index(f)
                case .houseAndVillage(let h, let v): keyHouse = index(h); keyVillage = index(v)
                case .name(let fs): keyName = fs.first.flatMap(index)
                }
            }
        }

        init(form p: [String: String], copies: [Copy]) {
            func text(_ k: String) -> String { (p[k] ?? "").trimmingCharacters(in: .whitespaces) }
            let n = min(max(Int(text("fields")) ?? 0, 0), 500)
            fields = (0..<n).map { j in
                Field(key: text("fkey\(j)"), label: text("flabel\(j)"), labelEN: text("flabelen\(j)"),
                      type: FieldType(rawValue: text("ftype\(j)")), dropped: !text("fdrop\(j)").isEmpty)
            }
            func index(_ k: String) -> Int? { Int(text(k)).flatMap { (0..<n).contains($0) ? $0 : nil } }
            columns = copies.indices.map { i in copies[i].table.header.indices.map { c in index("map\(i)_\(c)") } }
            keyID = index("key_id"); keyHouse = index("key_house"); keyVillage = index("key_village"); keyName = index("key_name")
        }

        /// Where field `j` is filled from: `copy: column` for every column mapped to it.
        func filledFrom(_ j: Int, _ copies: [Copy]) -> [String] {
            copies.indices.flatMap { i in
                columns[i].indices.filter { columns[i][$0] == j }.map { c in "\(copies[i].name): \(copies[i].table.header[c])" }
            }
        }
    }

    /// Types offered for a recovered field; the rest need more setting up (choices, a target)
    /// and can be given later in the dataset's designer.
    static let offeredTypes: [FieldType] = [.text, .longText, .integer, .decimal, .date, .datetime, .boolean, .thaiID, .phone, .email, .point]

    static func mappingPage(_ req: Request, _ ctx: TenantContext, _ copies: [Copy], _ state: MappingState,
                            error: LocalizedMessage? = nil, status: HTTPResponseStatus = .ok) -> Response {
        let chrome = req.chrome(ctx, notice: error)
        func name(_ j: Int) -> String {
            let f = state.fields[j]
            let label = chrome.lang == .th ? f.label : (f.labelEN.isEmpty ? f.label : f.labelEN)
            return !label.isEmpty ? label : !f.key.isEmpty ? f.key : chrome.t("ช่องใหม่ \(j + 1)", "New field \(j + 1)")
        }
        let typeOptions: (FieldType?) -> HTML = { chosen in
            offeredTypes.html { t in "<option value=\"\(t.rawValue)\"\((t == (chosen ?? .text)) ? HTML(raw: " selected") : .empty)>\(chrome.t(t.label))</option>" }
        }
        let fieldRows = state.fields.indices.html { j in
            let f = state.fields[j]
            let from = state.filledFrom(j, copies)
            return """
            <tr class="\(f.dropped ? "inactive" : "")" data-field="\(j)">
            <td><input name="fkey\(j)" value="\(f.key)" pattern="[a-z][a-z0-9_]{0,62}" size="12" aria-label="\(chrome.t("รหัสช่อง", "Key"))"></td>
            <td><input name="flabel\(j)" value="\(f.label)" size="16" aria-label="\(chrome.t("ป้ายชื่อภาษาไทย", "Thai label"))"></td>
            <td><input name="flabelen\(j)" value="\(f.labelEN)" size="14" aria-label="\(chrome.t("ป้ายชื่อภาษาอังกฤษ", "English label"))"></td>
            <td><select name="ftype\(j)" aria-label="\(chrome.t("ชนิด", "Type"))">\(typeOptions(f.type))</select></td>
            <td><label class="check"><input type="checkbox" name="fdrop\(j)" value="1"\(f.dropped ? HTML(raw: " checked") : .empty)> \(chrome.t("ตัดออก", "Drop"))</label></td>
            <td class="muted filled-from">\(from.isEmpty ? "\(chrome.t("ไม่มีคอลัมน์ใดเติม", "no column fills it"))" as HTML : from.html { "\($0)<br>" })</td></tr>
            """
        }
        let fieldOptions: (Int?, String) -> HTML = { chosen, none in
            "<option value=\"\">\(none)</option>" as HTML + state.fields.indices.html { j in
                "<option value=\"\(j)\"\(j == chosen ? HTML(raw: " selected") : .empty)>\(name(j))</option>"
            }
        }
        let copyBlocks = copies.enumerated().html { i, copy in
            let columns = copy.table.header.enumerated().html { c, header in
                let samples = copy.table.values(c).prefix(2).joined(separator: " · ")
                let chosen = i < state.columns.count && c < state.columns[i].count ? state.columns[i][c] : nil
                return """
                <tr><td>\(header.isEmpty ? chrome.t("(ไม่มีหัวคอลัมน์)", "(no header)") : header)<br><span class="muted">\(samples)</span></td>
                <td><select name="map\(i)_\(c)" aria-label="\(header)">\(fieldOptions(chosen, chrome.t("— ไม่ใช้คอลัมน์นี้", "— ignore this column")))</select></td></tr>
                """
            }
            return """
            <div class="card"><h3>\(copy.name) · \(chrome.t("ข้อมูล ณ", "as of")) \(copy.date.formatted(chrome.lang == .th ? .thaiShort : .english)) · \(copy.table.rows.count) \(chrome.t("แถว", "rows"))</h3>
            <input type="hidden" name="upload\(i)" value="\(copy.upload.uuidString)"><input type="hidden" name="name\(i)" value="\(copy.name)"><input type="hidden" name="date\(i)" value="\(copy.date.iso8601)">
            <table class="recovery-columns">\(columns)</table></div>
            """
        }
        let none = chrome.t("– ไม่ใช้", "– none")
        let body: HTML = """
        <h1>\(chrome.t("จับคู่คอลัมน์และวิธีจับคู่แถว", "Map the columns and how rows match"))</h1>
        <p>\(chrome.t("ระบบเสนอช่องเดียวต่อความหมายจากทุกสำเนา (ตามชื่อคอลัมน์และข้อมูลในคอลัมน์) ตรวจสอบแล้วแก้ได้ คอลัมน์ที่ไม่ต้องการให้เลือก “ไม่ใช้” ช่องที่ไม่ต้องการให้ติ๊ก “ตัดออก”",
                      "One field per meaning is suggested across all copies (from the column names and their contents). Check and change it: set a column you do not want to “ignore”, tick “Drop” for a field you do not want."))</p>
        <form method="post" action="\(url(ctx, .recoveryMatch))" class="stack wide" id="recovery-mapping">
          \(chrome.csrfField)
          <input type="hidden" name="copies" value="\(copies.count)"><input type="hidden" name="fields" value="\(state.fields.count)">
          <h2>\(chrome.t("ช่องของทะเบียนที่กู้คืน", "Fields of the recovered register"))</h2>
          <div class="table-wrap"><table id="recovery-fields"><thead><tr><th>\(chrome.t("รหัสช่อง", "Key"))</th><th>\(chrome.t("ป้ายชื่อ (ไทย)", "Label (Thai)"))</th><th>\(chrome.t("ป้ายชื่อ (อังกฤษ)", "Label (English)"))</th><th>\(chrome.t("ชนิด", "Type"))</th><th></th><th>\(chrome.t("เติมจาก", "Filled from"))</th></tr></thead><tbody>\(fieldRows)</tbody></table></div>
          <h2>\(chrome.t("คอลัมน์ของแต่ละสำเนา", "Columns of each copy"))</h2>
          <div class="recovery-copies">\(copyBlocks)</div>
          <h2>\(chrome.t("จับคู่แถวด้วย (ตามลำดับ)", "Match rows by (in this order)"))</h2>
          <p class="muted">\(chrome.t("แถวจะถูกจับคู่ด้วยกุญแจแรกที่แถวนั้นมี เลขประจำตัวประชาชนที่ต่างกันจะไม่ถูกรวมกันแม้ชื่อตรงกัน",
                                      "A row is matched by the first key it has; two different national IDs are never merged because their names match."))</p>
          <div class="row">
            <label>\(chrome.t("เลขประจำตัวประชาชน", "National ID"))<select name="key_id">\(fieldOptions(state.keyID, none))</select></label>
            <label>\(chrome.t("บ้านเลขที่", "House no."))<select name="key_house">\(fieldOptions(state.keyHouse, none))</select></label>
            <label>\(chrome.t("หมู่/ชุมชน", "Village"))<select name="key_village">\(fieldOptions(state.keyVillage, none))</select></label>
            <label>\(chrome.t("ชื่อ-สกุล", "Name"))<select name="key_name">\(fieldOptions(state.keyName, none))</select></label>
          </div>
          <button type="submit" id="recovery-match">\(chrome.t("จับคู่และตรวจสอบ", "Match and review"))</button>
        </form>
        """
        return page(chrome, body, status: status)
    }

    /// The copies, fields, mappings and keys the mapping form sent, checked.
    struct Plan {
        var copies: [Copy]
        var fields: [FieldDefinition]
        var sources: [RecoverySource]
        var keys: [RecoveryKey]
        /// Labels of fields left out because no column fills them.
        var unfilled: [String]
    }

    /// The posted form, decoded once.
    static func form(_ req: Request) -> [String: String] {
        (try? req.content.decode([String: String].self)) ?? [:]
    }

    /// The copies named by the form, read again from their files. A form that does not name
    /// them is a 400; a file gone is a 410 (start again).
    static func postedCopies(_ req: Request, _ ctx: TenantContext, _ p: [String: String]) throws -> [Copy] {
        func text(_ k: String) -> String { (p[k] ?? "").trimmingCharacters(in: .whitespaces) }
        guard let count = Int(text("copies")), (1...maxCopies).contains(count) else {
            throw AppError(.badRequest, th: "แบบฟอร์มไม่ครบ กรุณาเริ่มใหม่", en: "The form is incomplete; please start again.")
        }
        var copies: [Copy] = []
        for i in 0..<count {
            guard let upload = UUID(uuidString: text("upload\(i)")), !text("name\(i)").isEmpty else {
                throw AppError(.badRequest, th: "แบบฟอร์มไม่ครบ กรุณาเริ่มใหม่", en: "The form is incomplete; please start again.")
            }
            copies.append(try readCopy(req, ctx, upload: upload, name: text("name\(i)"), date: text("date\(i)")))
        }
        guard Set(copies.map(\.name)).count == copies.count else {
            throw AppError(.badRequest, th: "สำเนาสองชุดมีชื่อเดียวกัน กรุณาเริ่มใหม่", en: "Two copies have the same name; please start again.")
        }
        return copies
    }

    static func plan(_ copies: [Copy], _ state: MappingState) throws -> Plan {
        var fields: [FieldDefinition] = []
        var kept: [Int: String] = [:]
        var unfilled: [String] = []
        for (j, f) in state.fields.enumerated() where !f.dropped {
            let used = state.columns.contains { $0.contains(j) }
            let label = f.label.isEmpty ? f.key : f.label
            guard used else {
                if !f.key.isEmpty { unfilled.append(label) }
                continue
            }
            guard !f.key.isEmpty else {
                throw AppError.invalid(th: "ช่องที่ \(j + 1) มีคอลัมน์เติมแต่ยังไม่มีรหัสช่อง (a-z, 0-9, _)", en: "Field \(j + 1) is filled by a column but has no key (a-z, 0-9, _).")
            }
            guard let type = f.type else { throw AppError.invalid(th: "ชนิดของช่อง “\(label)” ไม่ถูกต้อง", en: "The type of field “\(label)” is unknown.") }
            var definition = FieldDefinition(key: f.key, type: type)
            if !f.label.isEmpty || !f.labelEN.isEmpty {
                definition.label = LocalizedMessage(th: label, en: f.labelEN.isEmpty ? label : f.labelEN)
            }
            kept[j] = f.key
            fields.append(definition)
        }
        guard !fields.isEmpty else {
            throw AppError.invalid(th: "ยังไม่มีช่องใดที่มีคอลัมน์เติม เลือกคอลัมน์ให้ช่องอย่างน้อยหนึ่งช่อง", en: "No field is filled by any column; map at least one column to a field.")
        }
        if let problem = DatasetSchema(fields: fields).problems().first { throw AppError.invalid(th: problem.message.th, en: problem.message.en) }
        let sources = copies.enumerated().map { i, copy in
            RecoverySource(name: copy.name, date: copy.date, rows: copy.table.recoveryRows(mapping: state.columns[i].map { $0.flatMap { kept[$0] } }))
        }
        func key(_ j: Int?, _ th: String, _ en: String) throws -> String? {
            guard let j else { return nil }
            guard let k = kept[j] else {
                let f = state.fields[j]
                let label = f.label.isEmpty ? (f.key.isEmpty ? "\(j + 1)" : f.key) : f.label
                throw AppError.invalid(th: "ช่อง “\(label)” ที่เลือกไว้จับคู่\(th) ไม่อยู่ในทะเบียน (ถูกตัดออกหรือไม่มีคอลัมน์เติม)",
                                       en: "The field “\(label)” chosen to match by \(en) is not in the register (dropped, or no column fills it).")
            }
            return k
        }
        var keys: [RecoveryKey] = []
        if let id = try key(state.keyID, "เลขประจำตัวประชาชน", "national ID") { keys.append(.nationalID(field: id)) }
        let house = try key(state.keyHouse, "บ้านเลขที่", "house number"), village = try key(state.keyVillage, "หมู่", "village")
        switch (house, village) {
        case let (h?, v?): keys.append(.houseAndVillage(house: h, village: v))
        case (nil, nil): break
        default: throw AppError.invalid(th: "จับคู่ด้วยบ้านเลขที่ต้องเลือกทั้งช่องบ้านเลขที่และช่องหมู่", en: "Matching by house needs both the house number and the village field.")
        }
        if let name = try key(state.keyName, "ชื่อ", "name") { keys.append(.name(fields: [name])) }
        guard !keys.isEmpty else {
            throw AppError.invalid(th: "เลือกวิธีจับคู่แถวอย่างน้อยหนึ่งวิธี (เลขประจำตัวประชาชน บ้านเลขที่กับหมู่ หรือชื่อ)",
                                   en: "Choose at least one way to match rows (national ID, house number and village, or name).")
        }
        return Plan(copies: copies, fields: fields, sources: sources, keys: keys, unfilled: unfilled)
    }

    /// The hidden inputs that carry the mapping to the next step.
    static func hidden(_ posted: [String: String]) -> HTML {
        let plan = Set(["copies", "fields", "key_id", "key_house", "key_village", "key_name"])
        let prefixes = ["fkey", "flabel", "ftype", "fdrop", "upload", "name", "date", "map"]
        let carried = posted.filter { key, _ in plan.contains(key) || prefixes.contains { key.hasPrefix($0) } }
        return carried.keys.sorted().html { n in "<input type=\"hidden\" name=\"\(n)\" value=\"\(carried[n] ?? "")\">" }
    }

    /// Reads the posted copies and mapping. Returns the plan, or the page to show instead: the
    /// upload page when the files are gone, the mapping page with the message for a mistake in it.
    /// With a plan, its records matched across the copies and the choices the review form sent.
    enum Step { case matched(Plan, RecoveryWorkbench), page(Response) }

    static func matchOrPage(_ req: Request, _ ctx: TenantContext, _ user: CurrentUser, _ posted: [String: String]) async throws -> Step {
        let copies: [Copy]
        do { copies = try postedCopies(req, ctx, posted) } catch let e as AppError where (400..<500).contains(e.status.code) {
            return .page(try await start(req, ctx, error: e.message, status: e.status))
        }
        let state = MappingState(form: posted, copies: copies)
        let p: Plan
        do { p = try plan(copies, state) } catch let e as AppError where (400..<500).contains(e.status.code) {
            return .page(mappingPage(req, ctx, copies, state, error: e.message, status: e.status))
        }
        let recovery = RecoveryService(scope: ctx.scope, actor: user.username)
        return .matched(p, try recovery.match(fields: p.fields, keys: p.keys, sources: p.sources, choices: choices(posted, p, recovery)))
    }

    // MARK: Step 3: review

    static func match(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let posted = form(req)
        if posted["back"] != nil {
            let copies: [Copy]
            do { copies = try postedCopies(req, ctx, posted) } catch let e as AppError where (400..<500).contains(e.status.code) {
                return try await start(req, ctx, error: e.message, status: e.status)
            }
            return mappingPage(req, ctx, copies, MappingState(form: posted, copies: copies))
        }
        switch try await matchOrPage(req, ctx, user, posted) {
        case .matched(let p, let bench): return try await reviewPage(req, ctx, user, p, bench, posted: posted)
        case .page(let response): return response
        }
    }

    /// The choices the review form sent, for the records and fields there are: a typed value
    /// (`manual_{record}_{field}`) wins over the radio (`choice_...`: `source:NAME` or `empty`).
    static func choices(_ posted: [String: String], _ p: Plan, _ recovery: RecoveryService) throws -> [Int: [String: RecoveryChoice]] {
        let bench = try recovery.match(fields: p.fields, keys: p.keys, sources: p.sources)
        var out: [Int: [String: RecoveryChoice]] = [:]
        for record in bench.records {
            for field in record.fields {
                let name = "\(record.id)_\(field.key)"
                if let typed = posted["manual_\(name)"], !typed.trimmingCharacters(in: .whitespaces).isEmpty {
                    out[record.id, default: [:]][field.key] = .value(typed)
                } else if let choice = posted["choice_\(name)"] {
                    if choice == "empty" {
                        out[record.id, default: [:]][field.key] = .empty
                    } else if choice.hasPrefix("source:"), case let source = String(choice.dropFirst(7)), field.candidate(from: source) != nil {
                        out[record.id, default: [:]][field.key] = .source(source)
                    }
                }
            }
        }
        return out
    }

    static func reviewPage(_ req: Request, _ ctx: TenantContext, _ user: CurrentUser, _ p: Plan, _ bench: RecoveryWorkbench,
                           posted: [String: String], error: LocalizedMessage? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let chrome = req.chrome(ctx, notice: error)
        let label: (String) -> String = { key in p.fields.first { $0.key == key }.map { chrome.t($0.displayLabel) } ?? key }
        let outputs = Dictionary(uniqueKeysWithValues: bench.outputs().map { ($0.record, $0) })
        let matched = bench.records.filter { $0.rows.count > 1 }
        let conflicted = bench.records.filter(\.hasConflicts)
        let differing = bench.records.filter(\.hasDifferences)
        let setAside = outputs.values.reduce(0) { $0 + $1.setAside.count }
        // Laid out one by one: matched records, and any record with a value that cannot be written.
        let laidOut = bench.records.filter { $0.rows.count > 1 || !(outputs[$0.id]?.setAside.isEmpty ?? true) }
        let single = bench.records.filter { $0.rows.count == 1 && (outputs[$0.id]?.setAside.isEmpty ?? true) }
        func heading(_ r: RecoveredRecord) -> String {
            var keyFields: [String] = []
            for k in p.keys.flatMap(\.fields) where !keyFields.contains(k) { keyFields.append(k) }
            let shown = keyFields.compactMap { k in r.field(k)?.final?.normalized }
            return (["#\(r.id + 1)"] + shown).joined(separator: " · ")
        }
        func origin(_ o: RecoveryOrigin) -> String { chrome.t(o.message) }
        let recordBlocks = laidOut.prefix(shownRecords).html { record in
            let output = outputs[record.id]
            let rows = record.fields.html { field in
                let name = "\(record.id)_\(field.key)"
                let problem = output?.setAside.first { $0.field == field.key }
                let cells = p.copies.html { copy in
                    guard record.row(from: copy.name) != nil else { return "<td class=\"muted\">\(chrome.t("ไม่มีแถว", "no row"))</td>" }
                    guard let c = field.candidate(from: copy.name) else { return "<td class=\"muted\">—</td>" }
                    let chosen = field.final?.origin == c.origin
                    return """
                    <td class="\(chosen ? "chosen" : "")"><label class="check"><input type="radio" name="choice_\(name)" value="source:\(copy.name)"\(chosen ? HTML(raw: " checked") : .empty)> <span class="value">\(c.value)</span></label></td>
                    """
                }
                let manual: String = { if case .value(let t)? = field.choice { return t } else { return "" } }()
                let emptyChosen = field.final == nil
                let tag: HTML = field.disagree
                    ? "<span class=\"tag tag-disagree\">\(chrome.t("ไม่ตรงกัน", "disagree"))</span>"
                    : field.differs ? "<span class=\"tag tag-differs\">\(chrome.t("เขียนต่างกัน", "written differently"))</span>" : .empty
                return """
                <tr class="\(field.disagree ? "disagree" : field.differs ? "differs" : "")" data-field="\(field.key)">
                <th scope="row">\(label(field.key)) \(tag)</th>\(cells)
                <td class="final"><span class="final-value">\(field.final?.normalized ?? "")</span>
                \(problem.map { "<p class=\"error-text\">\(chrome.t($0.reason)) · \(chrome.t("จะเก็บไว้ในหมายเหตุแหล่งที่มาแทน", "kept in the source note instead"))</p>" as HTML } ?? .empty)
                <label class="check"><input type="radio" name="choice_\(name)" value="empty"\(emptyChosen ? HTML(raw: " checked") : .empty)> \(chrome.t("เว้นว่าง", "leave empty"))</label>
                <input name="manual_\(name)" value="\(manual)" placeholder="\(chrome.t("หรือพิมพ์ค่าที่ถูกต้อง", "or type the right value"))" size="14"></td></tr>
                """
            }
            let headers = p.copies.html { copy in "<th scope=\"col\">\(copy.name)<br><span class=\"muted\">\(record.row(from: copy.name).map { chrome.t("แถว \($0)", "row \($0)") } ?? "")</span></th>" }
            let matchedBy = record.matchedBy.map { k in k.fields.map(label).joined(separator: " + ") }.joined(separator: ", ")
            return """
            <section class="recovery-record card" id="record-\(record.id)" data-rows="\(record.rows.count)">
              <h3>\(heading(record))</h3>
              <p class="muted">\(record.rows.map(origin).joined(separator: " · "))\(matchedBy.isEmpty ? "" : " · " + chrome.t("จับคู่ด้วย", "matched by") + " " + matchedBy)</p>
              <div class="table-wrap"><table class="recovery-values"><thead><tr><th>\(chrome.t("ช่อง", "Field"))</th>\(headers)<th>\(chrome.t("ค่าที่จะบันทึก", "To be written"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            </section>
            """
        }
        let singleRows = single.prefix(shownRecords).html { r in
            "<tr><td>#\(r.id + 1)</td><td>\(r.rows.map(origin).joined())</td><td>\(r.fields.compactMap { f in f.final.map { "\(label(f.key)): \($0.normalized)" } }.joined(separator: " · "))</td></tr>"
        }
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all()
            .filter { user.role != .staff || user.divisionIDs.contains($0.id!) }
        let chosenDivision = posted["division"] ?? (user.role == .staff ? divisions.first?.slug : nil) ?? ""
        let divisionOptions = (user.role == .staff ? .empty : "<option value=\"\">\(chrome.t("– ไม่ระบุกอง", "– no division"))</option>" as HTML)
            + divisions.html { "<option value=\"\($0.slug)\"\($0.slug == chosenDivision ? HTML(raw: " selected") : .empty)>\(chrome.t($0.nameTH, $0.nameEN))</option>" }
        let slug = posted["slug"] ?? "recovered-" + String(Int(Date().timeIntervalSince1970) % 100_000)
        let keysUsed = p.keys.map { $0.fields.map(label).joined(separator: " + ") }.joined(separator: " → ")
        let body: HTML = """
        <h1>\(chrome.t("ตรวจสอบผลการจับคู่", "Review the matched records"))</h1>
        <ul id="recovery-summary" class="plain">
          <li>\(chrome.t("ระเบียนที่กู้คืน", "Recovered records")) <strong id="recovered-count">\(bench.records.count)</strong>
            (\(chrome.t("จับคู่ได้จากหลายสำเนา", "matched across copies")) <strong id="matched-count">\(matched.count)</strong> ·
            \(chrome.t("แถวที่ไม่ตรงกับสำเนาอื่น เก็บไว้ทุกแถว", "rows that match nothing, all kept")) <strong id="single-count">\(bench.records.count - matched.count)</strong>)</li>
          <li>\(chrome.t("ระเบียนที่สำเนาให้ค่าไม่ตรงกัน", "Records whose copies disagree")) <strong id="conflict-count">\(conflicted.count)</strong> ·
            \(chrome.t("เขียนต่างกัน (เช่น คำนำหน้า)", "written differently (titles, say)")) <strong id="difference-count">\(differing.count)</strong></li>
          <li>\(chrome.t("แถวซ้ำในสำเนาเดียวกัน (ไม่รวมกัน)", "Duplicates within a copy (not merged)")) <strong id="duplicate-count">\(bench.duplicates.count)</strong> ·
            \(chrome.t("ค่าที่ใช้กับชนิดของช่องไม่ได้ (เก็บไว้ในหมายเหตุ)", "values their field cannot take (kept in the note)")) <strong id="set-aside-count">\(setAside)</strong></li>
          <li>\(chrome.t("จับคู่ด้วย", "Matched by")) \(keysUsed)</li>
          \(p.unfilled.isEmpty ? .empty : "<li>\(chrome.t("ช่องที่ไม่มีคอลัมน์เติม ไม่ได้สร้าง", "Fields no column fills, left out")): \(p.unfilled.joined(separator: ", "))</li>" as HTML)
        </ul>
        <form method="post" action="\(url(ctx, .recoveryWrite))" class="stack wide" id="recovery-write">
          \(chrome.csrfField)
          \(hidden(posted))
          <h2>\(chrome.t("ค่าของแต่ละระเบียน (ค่าเริ่มต้นคือสำเนาล่าสุด)", "Each record's values (the newest copy is suggested)"))</h2>
          <p class="muted">\(chrome.t("แถวสีแดง: สำเนาให้ค่าไม่ตรงกัน · แถวสีเหลือง: ความหมายเดียวกันแต่เขียนต่างกัน · กรอบ: ค่าที่เลือก",
                                      "Red rows: the copies disagree · yellow rows: the same meaning written differently · outlined: the chosen value"))</p>
          <div id="recovery-records">\(recordBlocks)</div>
          \(laidOut.count > shownRecords ? "<p class=\"notice\">\(chrome.t("แสดง \(shownRecords) จาก \(laidOut.count) ระเบียน ระเบียนที่เหลือใช้ค่าที่แนะนำ", "Showing \(shownRecords) of \(laidOut.count) records; the rest take the suggested values."))</p>" as HTML : .empty)
          \(single.isEmpty ? .empty : """
            <h2>\(chrome.t("แถวที่ไม่ตรงกับสำเนาอื่น (เก็บไว้ทุกแถว)", "Rows that match no other copy (all kept)"))</h2>
            <div class="table-wrap"><table id="recovery-single"><thead><tr><th>#</th><th>\(chrome.t("มาจาก", "From"))</th><th>\(chrome.t("ค่า", "Values"))</th></tr></thead><tbody>\(singleRows)</tbody></table></div>
            """ as HTML)
          <h2>\(chrome.t("บันทึกเป็นทะเบียนใหม่", "Save as a new register"))</h2>
          <div class="row">
            <label>\(chrome.t("ชื่อทะเบียนใหม่ (ไทย)", "New register (Thai)"))<input name="titleTH" required value="\(posted["titleTH"] ?? "ทะเบียนที่กู้คืน")"></label>
            <label>\(chrome.t("ชื่อทะเบียนใหม่ (อังกฤษ)", "New register (English)"))<input name="titleEN" value="\(posted["titleEN"] ?? "Recovered register")"></label>
            <label>\(chrome.t("รหัส", "Slug"))<input name="slug" required pattern="[a-z0-9-]{2,40}" value="\(slug)"></label>
            <label>\(chrome.t("กองเจ้าของ", "Owning division"))<select name="division" id="recovery-division">\(divisionOptions)</select></label>
          </div>
          <div class="row">
            <button type="submit" id="recovery-save">\(chrome.t("บันทึกทะเบียนที่กู้คืน", "Save the recovered register"))</button>
            <button type="submit" name="back" value="1" formaction="\(url(ctx, .recoveryMatch))" formnovalidate id="recovery-back">\(chrome.t("กลับไปแก้การจับคู่คอลัมน์", "Back to the column mapping"))</button>
          </div>
        </form>
        """
        return page(chrome, body, status: status)
    }

    // MARK: Step 4: write

    static func write(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let posted = form(req)
        let (p, bench): (Plan, RecoveryWorkbench)
        switch try await matchOrPage(req, ctx, user, posted) {
        case .matched(let plan, let matched): (p, bench) = (plan, matched)
        case .page(let response): return response
        }
        let recovery = RecoveryService(scope: ctx.scope, actor: user.username)
        let written: RecoveryService.Written
        do {
            let slug = (posted["slug"] ?? "").trimmingCharacters(in: .whitespaces)
            let titleTH = (posted["titleTH"] ?? "").trimmingCharacters(in: .whitespaces)
            let titleEN = (posted["titleEN"] ?? "").trimmingCharacters(in: .whitespaces)
            let division = try await RecoveryService.division(posted["division"], user: user, scope: ctx.scope)
            written = try await recovery.write(bench, fields: p.fields, slug: slug, title: .init(th: titleTH, en: titleEN.isEmpty ? titleTH : titleEN), division: division)
        } catch let e as AppError where (400..<500).contains(e.status.code) {
            return try await reviewPage(req, ctx, user, p, bench, posted: posted, error: e.message, status: e.status)
        }
        let d = written.dataset
        try await req.audit("create", "dataset", id: d.slug, "recovered \(written.records) record(s) from \(p.copies.count) copies into \(d.slug); \(written.setAside) value(s) kept in the source note")
        for copy in p.copies { try? FileManager.default.removeItem(at: fileURL(req, ctx, copy.upload)) }
        return req.redirect(.tenant(ctx.tenant.slug, .dataset(.slug(d.slug))), notice: "created")
    }
}
