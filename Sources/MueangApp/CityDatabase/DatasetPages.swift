import Vapor
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// The city database in the browser: design a dataset, browse and search its records, add and
/// edit them with the same validation as the API, see each record's history, the trash, and
/// import files with a preview, a column mapping and a downloadable list of rejected rows.
enum DatasetPages {
    static func register(_ site: Site) {
        site.page(.GET, .datasets, .requires(.readDatasets), list)
        site.page(.GET, .newDataset, .requires(.designDatasets)) { req, ctx in try await designer(req, ctx) }
        site.page(.POST, .datasets, .requires(.designDatasets), create)
        site.page(.GET, .dataset(.pattern), .requires(.readDatasets)) { req, ctx in try await browse(req, ctx) }
        site.page(.POST, .datasetRecords(.pattern), .requires(.editRecords), maxBody: "12mb", createRecord)
        site.page(.GET, .record(.pattern, .pattern), .requires(.readDatasets)) { req, ctx in try await record(req, ctx) }
        site.page(.POST, .record(.pattern, .pattern), .requires(.editRecords), maxBody: "12mb", updateRecord)
        site.page(.POST, .recordDelete(.pattern, .pattern), .requires(.editRecords), deleteRecord)
        site.page(.POST, .recordRestore(.pattern, .pattern), .requires(.editRecords), restoreVersion)
        site.page(.GET, .datasetTrash(.pattern), .requires(.editRecords), trash)
        site.page(.POST, .trashRestore(.pattern, .pattern), .requires(.editRecords), restoreFromTrash)
        site.page(.POST, .trashPurge(.pattern, .pattern), .requires(.purgeRecords), purgeFromTrash)
        site.page(.GET, .datasetImport(.pattern), .requires(.editRecords)) { req, ctx in try await importForm(req, ctx) }
        site.page(.POST, .importPreview(.pattern), .requires(.editRecords), maxBody: "64mb", preview)
        site.page(.GET, .importPreview(.pattern), .requires(.editRecords), previewAgain)
        site.page(.POST, .datasetImport(.pattern), .requires(.editRecords), runImport)
        site.page(.GET, .job(.pattern), .requires(.readDatasets), job)
        site.page(.GET, .jobRejects(.pattern), .requires(.readDatasets), rejects)
        site.page(.POST, .datasetRestore(.pattern), .requires(.editRecords), restoreDataset)
        site.page(.GET, .datasetFields(.pattern), .requires(.designDatasets)) { req, ctx in try await fieldsPage(req, ctx) }
        site.page(.GET, .file(.pattern), .requires(.readDatasets), file)
        site.page(.POST, .datasetFields(.pattern), .requires(.designDatasets), changeFields)
        site.page(.POST, .datasetDetails(.pattern), .requires(.designDatasets), changeDetails)
    }

    typealias Loaded = (service: DatasetService, access: DatasetAccess, dataset: Dataset, schema: DatasetSchema)

    static func load(_ req: Request, _ ctx: TenantContext, write: Bool = false) async throws -> Loaded {
        try await DatasetsAPIController.dataset(req, ctx, write: write)
    }

    static func title(_ d: Dataset, _ c: PageChrome) -> String { c.t(d.titleTH, d.titleEN) }
    static func label(_ f: FieldDefinition, _ c: PageChrome) -> String { c.t(f.displayLabel) }
    static func url(_ ctx: TenantContext, _ page: SiteURL.TenantPage) -> String { SiteURL.tenant(ctx.tenant.slug, page).path }

    // MARK: List and design

    static func list(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.readDatasets)
        let access = DatasetAccess(user: user)
        let chrome = req.chrome(ctx, notice: notice(req))
        let service = DatasetService(scope: ctx.scope, actor: user.username)
        let datasets = try await service.datasets().filter(access.canRead)
        let divisions = try await ctx.scope.query(Division.self).all()
        var counts: [UUID: Int] = [:]
        for d in datasets {
            // What this person can open: a volunteer counts only the records of their villages.
            var q = DatasetService.RecordQuery()
            q.villages = access.villageScope(try DatasetService.schema(of: d)).map { ($0.field?.key, $0.villages) }
            counts[d.id!] = try await service.recordQuery(d, q).count()
        }
        let rows = datasets.html { d in
            let division = divisions.first { $0.id == d.divisionID }
            return """
            <tr><td><a href="\(url(ctx, .dataset(.slug(d.slug))))">\(title(d, chrome))</a></td>
            <td>\(division.map { chrome.t($0.nameTH, $0.nameEN) } ?? "–")</td><td>\(counts[d.id!] ?? 0)</td></tr>
            """
        }
        // Staff design datasets for their own divisions, so they need at least one.
        let canDesign = chrome.can(.designDatasets) && (user.role != .staff || !user.divisionIDs.isEmpty)
        let body: HTML = """
        <h1>\(chrome.t("ฐานข้อมูลเมือง", "City database"))</h1>
        \(canDesign ? "<p class=\"row\"><a class=\"button\" id=\"new-dataset\" href=\"\(url(ctx, .newDataset))\">\(chrome.t("สร้างชุดข้อมูลใหม่", "New dataset"))</a> <a class=\"button\" id=\"recovery-link\" href=\"\(url(ctx, .recovery))\">\(chrome.t("กู้คืนข้อมูลจากสำเนาเก่า", "Recover from old copies"))</a></p>" as HTML : .empty)
        <div class="table-wrap"><table id="dataset-table"><thead><tr><th>\(chrome.t("ชุดข้อมูล", "Dataset"))</th><th>\(chrome.t("กอง", "Division"))</th><th>\(chrome.t("จำนวนระเบียน", "Records"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ฐานข้อมูลเมือง", "City database"), body))
    }

    static let designerRows = 10

    /// The new-dataset form; after a refused post, `form` is what was sent (shown again as typed)
    /// and `problems` what is wrong with it.
    static func designer(_ req: Request, _ ctx: TenantContext, form: DesignForm? = nil, problems: DesignProblems = .init(),
                         status: HTTPResponseStatus = .ok) async throws -> Response {
        let chrome = req.chrome(ctx)
        let user = try ctx.require(.designDatasets)
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all()
            .filter { user.role != .staff || user.divisionIDs.contains($0.id!) }
        let targets = try await referenceTargets(ctx, user)
        let sent = form?.fields ?? []
        let rows = (0..<max(designerRows, sent.count + (form?.more == nil ? 0 : moreRows))).html { i in
            fieldRow(i, i < sent.count ? sent[i] : nil, chrome, targets: targets, errors: problems.byRow[i] ?? [])
        }
        let selected: (Bool) -> HTML = { $0 ? HTML(raw: " selected") : .empty }
        let bases: [(String, String, String)] = [("public-task", "ภารกิจเพื่อประโยชน์สาธารณะ", "Public task"), ("public-health-duty", "หน้าที่ด้านสาธารณสุข", "Public-health duty"),
                                                  ("consent", "ความยินยอม", "Consent"), ("contract", "สัญญา", "Contract"), ("no-personal-data", "ไม่มีข้อมูลส่วนบุคคล", "No personal data")]
        let body: HTML = """
        <h1>\(chrome.t("ออกแบบชุดข้อมูลใหม่", "Design a new dataset"))</h1>
        \(problemList(problems.all, chrome))
        <form method="post" action="\(url(ctx, .datasets))" class="stack wide" id="designer">
          \(chrome.csrfField)
          <div class="row">
          <label>\(chrome.t("ชื่อภาษาไทย", "Thai title"))<input name="titleTH" required maxlength="200" value="\(form?.titleTH)"></label>
          <label>\(chrome.t("ชื่อภาษาอังกฤษ", "English title"))<input name="titleEN" maxlength="200" value="\(form?.titleEN)"></label>
          <label>\(chrome.t("รหัส (อักษรอังกฤษตัวเล็ก)", "Slug"))<input name="slug" required pattern="[a-z0-9-]{2,40}" value="\(form?.slug)"></label>
          <label>\(chrome.t("กองเจ้าของ", "Owning division"))<select name="division">\(user.role == .staff ? .empty : "<option value=\"\">–</option>" as HTML)\(divisions.html { "<option value=\"\($0.slug)\"\(selected(form?.division == $0.slug))>\(chrome.t($0.nameTH, $0.nameEN))</option>" })</select></label>
          <label>\(chrome.t("ฐานทางกฎหมาย (PDPA)", "Lawful basis (PDPA)"))<select name="lawfulBasis">
            \(bases.html { b in "<option value=\"\(b.0)\"\(selected(form?.lawfulBasis == b.0))>\(chrome.t(b.1, b.2))</option>" })</select></label>
          </div>
          <label>\(chrome.t("คำอธิบาย", "Description"))<textarea name="description" rows="2">\(form?.description)</textarea></label>
          \(fieldTable(rows, chrome, archivable: false))
          \(addFieldButton(chrome))
          <p class="muted">\(chrome.t("แถวที่ไม่มีรหัสช่องจะถูกข้าม", "Rows without a key are skipped."))</p>
          <button type="submit" id="create-dataset">\(chrome.t("สร้างชุดข้อมูล", "Create dataset"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ออกแบบชุดข้อมูล", "Design a dataset"), body), status: status)
    }

    /// The table of field rows, shared by the designer and the fields page.
    static func fieldTable(_ rows: HTML, _ c: PageChrome, archivable: Bool) -> HTML {
        """
        <div class="table-wrap"><table id="field-table"><thead><tr>
          <th>\(c.t("รหัสช่อง", "Key"))</th><th>\(c.t("ชนิด", "Type"))</th><th>\(c.t("ป้ายชื่อ (ไทย)", "Label (Thai)"))</th><th>\(c.t("ป้ายชื่อ (อังกฤษ)", "Label (English)"))</th>
          <th>\(c.t("ต้องกรอก", "Required"))</th><th>\(c.t("ไม่ซ้ำ", "Unique"))</th><th>\(c.t("ตัวเลือก", "Choices"))</th>\(archivable ? "<th>\(c.t("เก็บถาวร", "Archive"))</th>" as HTML : .empty)</tr></thead>
        \(rows)</table></div>
        """
    }

    /// Rows beyond those shown: one at a time in the page (`field-rows.js`), or, without
    /// JavaScript, the form posted back as typed with `moreRows` blank rows more, saving nothing.
    static let moreRows = 5

    static func addFieldButton(_ c: PageChrome) -> HTML {
        """
        <p><button type="submit" name="more" value="1" formnovalidate class="secondary" id="add-field">+ \(c.t("เพิ่มช่อง", "Add a field"))</button></p>
        <script type="module" src="\(SiteURL.asset("field-rows.js").path)"></script>
        """
    }

    /// Problems of a posted design: by form row (shown under the row) and in all (listed above the form).
    struct DesignProblems: Sendable {
        var byRow: [Int: [LocalizedMessage]] = [:]
        var general: [LocalizedMessage] = []
        var isEmpty: Bool { byRow.isEmpty && general.isEmpty }
        var all: [LocalizedMessage] { byRow.keys.sorted().flatMap { byRow[$0]! } + general }
    }

    /// Each problem in the page's language, with the other language under it.
    static func problemList(_ problems: [LocalizedMessage], _ c: PageChrome) -> HTML {
        guard !problems.isEmpty else { return .empty }
        let other: Language = c.lang == .th ? .en : .th
        return """
        <div class="notice" role="alert" id="form-errors"><p>\(c.t("บันทึกไม่ได้: ตรวจสอบช่องที่มีข้อผิดพลาด", "Not saved: check the fields marked below."))</p>
        <ul class="plain">\(problems.html { m in "<li><span lang=\"\(c.lang.rawValue)\">\(c.t(m))</span><br><span class=\"muted\" lang=\"\(other.rawValue)\">\(m.text(in: other))</span></li>" })</ul></div>
        """
    }

    /// The datasets a `reference` field may point to: this tenant's, those the designer can read.
    static func referenceTargets(_ ctx: TenantContext, _ user: CurrentUser) async throws -> [Dataset] {
        try await DatasetService(scope: ctx.scope, actor: user.username).datasets().filter(DatasetAccess(user: user).canRead)
    }

    /// One editable field: its main row (key, type, labels, required, unique, choices) and, in a
    /// second row, its problems and the settings that fold away on a phone (bounds, pattern,
    /// default, referenced dataset, help in both languages). `row` nil is a blank new field.
    static func fieldRow(_ i: Int, _ row: DesignForm.Row?, _ c: PageChrome, archivable: Bool = false, targets: [Dataset] = [],
                         excluding own: String? = nil, errors: [LocalizedMessage] = []) -> HTML {
        let r = row ?? DesignForm.Row()
        let name: (String) -> String = { "fields[\(i)][\($0)]" }
        let type = FieldType(rawValue: r.type ?? "")
        let typeOptions = FieldType.allCases.html { t in "<option value=\"\(t.rawValue)\"\(t == type ? HTML(raw: " selected") : .empty)>\(c.t(t.label))</option>" }
        let checked: (String?) -> HTML = { $0 != nil ? HTML(raw: " checked") : .empty }
        let reference = r.reference ?? ""
        var choices = targets.filter { $0.slug != own }.map { (slug: $0.slug, title: "\($0.slug) · \(c.t($0.titleTH, $0.titleEN))") }
        if !reference.isEmpty, !choices.contains(where: { $0.slug == reference }) { choices.append((reference, reference)) }
        let targetOptions = choices.html { t in "<option value=\"\(t.slug)\"\(t.slug == reference ? HTML(raw: " selected") : .empty)>\(t.title)</option>" }
        let set: [(String?, String, String)] = [(r.min, "ต่ำสุด", "min"), (r.max, "สูงสุด", "max"), (r.pattern, "รูปแบบ", "pattern"), (r.default, "ค่าเริ่มต้น", "default"),
                                                (type == .reference ? r.reference : nil, "อ้างอิง", "reference"), (r.helpTH ?? r.help, "คำแนะนำ", "help")]
        let summary = set.filter { !($0.0 ?? "").isEmpty }.map { c.t($0.1, $0.2) }
        return """
        <tbody class="field">
        <tr class="field-row\(r.archive != nil ? " inactive" : "")">
          <td data-label="\(c.t("รหัสช่อง", "Key"))">\(r.original.map { "<input type=\"hidden\" name=\"\(name("original"))\" value=\"\($0)\">" as HTML } ?? .empty)<input name="\(name("key"))" value="\(r.key)" pattern="[a-z][a-z0-9_]{0,62}" placeholder="house_no" aria-label="\(c.t("รหัสช่อง", "key"))"></td>
          <td data-label="\(c.t("ชนิด", "Type"))"><select name="\(name("type"))" aria-label="\(c.t("ชนิด", "type"))">\(typeOptions)</select></td>
          <td data-label="\(c.t("ป้ายชื่อ (ไทย)", "Label (Thai)"))"><input name="\(name("labelTH"))" value="\(r.labelTH)" placeholder="บ้านเลขที่" aria-label="\(c.t("ป้ายชื่อ (ไทย)", "label (Thai)"))"></td>
          <td data-label="\(c.t("ป้ายชื่อ (อังกฤษ)", "Label (English)"))"><input name="\(name("labelEN"))" value="\(r.labelEN)" placeholder="House no." aria-label="\(c.t("ป้ายชื่อ (อังกฤษ)", "label (English)"))"></td>
          <td class="check" data-label="\(c.t("ต้องกรอก", "Required"))"><input type="checkbox" name="\(name("required"))" value="1" aria-label="\(c.t("ต้องกรอก", "required"))"\(checked(r.required))></td>
          <td class="check" data-label="\(c.t("ไม่ซ้ำ", "Unique"))"><input type="checkbox" name="\(name("unique"))" value="1" aria-label="\(c.t("ไม่ซ้ำ", "unique"))"\(checked(r.unique))></td>
          <td data-label="\(c.t("ตัวเลือก", "Choices"))"><input name="\(name("choices"))" value="\(r.choices)" placeholder="ก, ข, ค" aria-label="\(c.t("ตัวเลือก", "choices"))"></td>
          \(archivable ? "<td class=\"check\" data-label=\"\(c.t("เก็บถาวร", "Archive"))\"><input type=\"checkbox\" name=\"\(name("archive"))\" value=\"1\" aria-label=\"\(c.t("เก็บถาวร", "archive"))\"\(checked(r.archive))></td>" as HTML : .empty)
        </tr>
        <tr class="field-more"><td colspan="\(archivable ? 8 : 7)">
          \(errors.html { "<p class=\"error-text field-error\" data-row=\"\(i)\">\(c.t($0))</p>" })
          <details\(errors.isEmpty ? .empty : HTML(raw: " open"))><summary>\(c.t("ตั้งค่าเพิ่มเติม", "More settings"))\(summary.isEmpty ? "" : ": " + summary.joined(separator: ", "))</summary>
          <div class="row">
            <label>\(c.t("ค่าต่ำสุด", "Minimum"))<input name="\(name("min"))" value="\(r.min)" size="10"></label>
            <label>\(c.t("ค่าสูงสุด", "Maximum"))<input name="\(name("max"))" value="\(r.max)" size="10"></label>
            <label>\(c.t("รูปแบบ (regular expression)", "Pattern (regular expression)"))<input name="\(name("pattern"))" value="\(r.pattern)" placeholder="[0-9]+(/[0-9]+)?" spellcheck="false" autocapitalize="off"></label>
            <label>\(c.t("ค่าเริ่มต้น", "Default value"))<input name="\(name("default"))" value="\(r.default)"></label>
            <label class="ref-only">\(c.t("ชุดข้อมูลที่อ้างอิง (ชนิดอ้างอิงระเบียนอื่น)", "Referenced dataset (reference type)"))<select name="\(name("reference"))"><option value="">–</option>\(targetOptions)</select></label>
            <label>\(c.t("คำแนะนำ (ไทย)", "Help (Thai)"))<input name="\(name("helpTH"))" value="\(r.helpTH ?? r.help)"></label>
            <label>\(c.t("คำแนะนำ (อังกฤษ)", "Help (English)"))<input name="\(name("helpEN"))" value="\(r.helpEN ?? r.help)"></label>
          </div></details>
        </td></tr>
        </tbody>
        """
    }

    struct DesignForm: Content {
        struct Row: Content {
            var key: String?; var type: String?; var labelTH: String?; var labelEN: String?
            var required: String?; var unique: String?; var choices: String?; var min: String?; var max: String?
            var pattern: String?
            /// The default as typed (`fields[i][default]`), read like a value typed in the record form.
            var `default`: String?
            /// For a `reference` field: the target dataset's slug.
            var reference: String?
            var helpTH: String?; var helpEN: String?
            /// One help text for both languages, as older forms sent it.
            var help: String?
            var original: String?; var archive: String?
        }
        var titleTH: String; var titleEN: String?; var slug: String; var division: String?; var lawfulBasis: String?
        var description: String?; var fields: [Row]?
        /// Set by "add a field" without JavaScript: show the form again with more rows.
        var more: String?
    }

    /// A field's stored default as the designer shows it: the text the record form would take.
    static func defaultText(_ json: JSONValue, _ f: FieldDefinition) -> String {
        if let v = try? f.parse(json: json) { return formText(v) }
        if case .string(let s) = json { return s }
        return json.jsonText
    }

    /// The fields the rows describe (rows without a key are skipped), the form row each came
    /// from, and what is wrong: an unknown type or referenced dataset here, and everything
    /// `DatasetSchema.problems()` finds (pattern, default, bounds, choices, keys).
    /// `targets`: the dataset slugs a reference may name.
    static func fieldDefinitions(_ rows: [DesignForm.Row], targets: Set<String>) -> (fields: [FieldDefinition], rows: [Int], problems: DesignProblems) {
        var fields: [FieldDefinition] = [], from: [Int] = [], problems = DesignProblems()
        let trim: (String?) -> String = { ($0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        for (i, row) in rows.enumerated() {
            let key = trim(row.key)
            guard !key.isEmpty else { continue }
            guard let type = FieldType(rawValue: row.type ?? "") else {
                problems.byRow[i, default: []].append(.init(th: "\(key): ชนิดช่องไม่ถูกต้อง", en: "\(key): unknown field type"))
                continue
            }
            var f = FieldDefinition(key: key, type: type)
            let th = trim(row.labelTH), en = trim(row.labelEN)
            if !th.isEmpty || !en.isEmpty { f.label = LocalizedMessage(th: th.isEmpty ? en : th, en: en.isEmpty ? th : en) }
            f.required = row.required != nil
            f.unique = row.unique != nil
            f.choices = (row.choices ?? "").split(whereSeparator: { ",;|".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            func limit(_ raw: String?) -> FieldLimit? {
                let t = ThaiDigits.toASCII(trim(raw))
                guard !t.isEmpty else { return nil }
                // A number when the whole text is one (`12`, `-3.5`), else a text (`2567-01-01`, `1/1/2567`).
                if case .number(let n)? = JSONValue(jsonText: t) { return .number(n) }
                return .text(t)
            }
            f.min = limit(row.min)
            f.max = limit(row.max)
            let pattern = trim(row.pattern)
            f.pattern = pattern.isEmpty ? nil : pattern
            let helpTH = trim(row.helpTH ?? row.help), helpEN = trim(row.helpEN ?? row.help)
            if !helpTH.isEmpty || !helpEN.isEmpty { f.help = LocalizedMessage(th: helpTH.isEmpty ? helpEN : helpTH, en: helpEN.isEmpty ? helpTH : helpEN) }
            if type == .reference {
                let target = trim(row.reference)
                f.reference = target.isEmpty ? nil : target
                if !target.isEmpty, !targets.contains(target) {
                    problems.byRow[i, default: []].append(FieldError(f, .init(th: "ไม่พบชุดข้อมูล “\(target)” ที่จะอ้างอิงในเทศบาลนี้",
                                                                          en: "there is no dataset “\(target)” to refer to in this municipality")).message)
                }
            }
            // As typed: `problems()` names what is wrong with it, and the service stores it in
            // the JSON form of its value (`DatasetService.canonicalDefaults`), as for the API.
            let typed = trim(row.default)
            if !typed.isEmpty { f.defaultValue = .string(typed) }
            fields.append(f)
            from.append(i)
        }
        for problem in DatasetSchema(fields: fields).problems() {
            // A problem names its field by key, or by position (`fields[3]`) when the key itself is unusable.
            let index = problem.field.hasPrefix("fields[") ? Int(problem.field.dropFirst(7).dropLast()).flatMap { from.indices.contains($0) ? $0 : nil } : nil
            let rowsOf = index.map { [from[$0]] } ?? fields.indices.filter { fields[$0].key == problem.field }.map { from[$0] }
            if rowsOf.isEmpty { problems.general.append(problem.message) }
            for r in rowsOf where !(problems.byRow[r] ?? []).contains(problem.message) { problems.byRow[r, default: []].append(problem.message) }
        }
        return (fields, from, problems)
    }

    static func create(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.designDatasets)
        let form = try req.content.decode(DesignForm.self)
        if form.more != nil { return try await designer(req, ctx, form: form) }
        let targets = Set(try await referenceTargets(ctx, user).map(\.slug))
        let design = fieldDefinitions(form.fields ?? [], targets: targets)
        guard design.problems.isEmpty else {
            return try await designer(req, ctx, form: form, problems: design.problems, status: .unprocessableEntity)
        }
        let fields = design.fields
        do {
            let division = (form.division ?? "").isEmpty ? nil : form.division
            let divisionID = try await division.asyncMap { slug in try await ctx.scope.query(Division.self).filter(\.$slug == slug).first()?.id } ?? nil
            guard DatasetAccess(user: user).canCreate(divisionID: divisionID) else { throw AppError.forbidden }
            let service = DatasetService(scope: ctx.scope, actor: user.username)
            let d = try await service.create(.init(slug: form.slug.trimmingCharacters(in: .whitespaces), title: .init(th: form.titleTH, en: form.titleEN ?? ""),
                                                   divisionSlug: division, description: form.description ?? "", fields: fields,
                                                   lawfulBasis: form.lawfulBasis ?? "public-task"))
            try await req.audit("create", "dataset", id: d.slug, "designed dataset \(d.slug) with \(fields.count) fields")
            return req.redirect(.tenant(ctx.tenant.slug, .dataset(.slug(d.slug))), notice: "created")
        } catch let e as AppError where e.status == .unprocessableEntity || e.status == .conflict {
            return try await designer(req, ctx, form: form, problems: .init(general: [e.message]), status: e.status)
        }
    }

    // MARK: Browse and records

    static func browse(_ req: Request, _ ctx: TenantContext, formErrors: [FieldError] = [], formValues: [String: String] = [:]) async throws -> Response {
        let (service, access, d, schema) = try await load(req, ctx)
        var q = DatasetService.RecordQuery()
        q.limit = 50
        q.offset = max(0, (try? req.query.get(Int.self, at: "offset")) ?? 0)
        q.search = (try? req.query.get(String.self, at: "q")).flatMap { $0.isEmpty ? nil : $0 }
        // `?field=...&value=...` filters on one field, read as the field reads typed text.
        var filterError: LocalizedMessage?
        let filterKey = (try? req.query.get(String.self, at: "field")) ?? ""
        let filterText = (try? req.query.get(String.self, at: "value")) ?? ""
        if let f = schema.field(filterKey), !f.archived, !filterText.isEmpty {
            let villages = try await service.villageNames(for: schema)
            do { q.filters = [(f, try DatasetService.filterValue(f, filterText, villages))] } catch { filterError = error.message }
        }
        q.villages = access.villageScope(schema).map { ($0.field?.key, $0.villages) }
        if let sort = try? req.query.get(String.self, at: "sort"), schema.field(sort) != nil {
            q.sort = (sort, (try? req.query.get(String.self, at: "order")) == "desc")
        }
        let chrome = req.chrome(ctx, notice: filterError ?? (formErrors.isEmpty ? notice(req) : .init(th: "บันทึกไม่ได้: ตรวจสอบช่องที่มีข้อผิดพลาด", en: "Not saved: check the fields marked below.")))
        let page = try await service.records(d, q)
        try await DatasetsAPIController.auditPersonalRead(req, d, count: page.items.count)
        let shown = Array(schema.activeFields.prefix(8))
        let villages = try await ctx.scope.query(Village.self).sort(\.$number).all()
        let names = Dictionary(uniqueKeysWithValues: villages.map { ($0.id!, VillagesController.label($0, chrome)) })
        let base = url(ctx, .dataset(.slug(d.slug)))
        let search = q.search ?? ""
        let enc: (String) -> String = { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        // Sorting keeps the search and the filter; paging keeps all three.
        let filterQuery = q.filters.isEmpty ? "" : "&field=\(enc(filterKey))&value=\(enc(filterText))"
        let sortQuery = q.sort.map { "&sort=\($0.field)&order=\($0.descending ? "desc" : "asc")" } ?? ""
        let headers = shown.html { f in
            let desc = q.sort?.field == f.key && q.sort?.descending == false
            let arrow = q.sort?.field == f.key ? (q.sort!.descending ? " ▼" : " ▲") : ""
            return "<th><a href=\"\(base)?sort=\(f.key)&amp;order=\(desc ? "desc" : "asc")&amp;q=\(enc(search))\(filterQuery)\">\(label(f, chrome))\(arrow)</a></th>"
        }
        let rows = try page.items.html { r in
            let values = try DatasetService.values(r, schema)
            return "<tr><td><a href=\"\(url(ctx, .record(.slug(d.slug), .id(r.id!))))\">\(chrome.t("เปิด", "Open"))</a></td>\(shown.html { f in "<td>\(values[f.key].map { display($0, f, chrome, villages: names) } ?? "")</td>" })</tr>"
        }
        let canWrite = access.canWrite(d)
        let body: HTML = """
        <h1 id="dataset-title">\(title(d, chrome))</h1>
        <p class="muted">\(d.descriptionText)</p>
        <nav class="row actions">
          \(canWrite ? "<a class=\"button\" id=\"import-link\" href=\"\(url(ctx, .datasetImport(.slug(d.slug))))\">\(chrome.t("นำเข้าไฟล์", "Import a file"))</a><a href=\"\(url(ctx, .datasetTrash(.slug(d.slug))))\">\(chrome.t("ถังขยะ", "Trash"))</a><a id=\"fields-link\" href=\"\(url(ctx, .datasetFields(.slug(d.slug))))\">\(chrome.t("โครงสร้าง", "Fields"))</a>" as HTML : .empty)
          <span>\(chrome.t("ส่งออก", "Export")): \(["csv", "xlsx", "geojson", "json"].html { f in "<a class=\"export\" href=\"\(url(ctx, .datasetExport(.slug(d.slug))))?format=\(f)&amp;q=\(enc(search))\(q.filters.isEmpty ? "" : "&\(enc(filterKey))=\(enc(filterText))")\">\(f.uppercased())</a> " })</span>
        </nav>
        <form method="get" class="row card" id="search">
          <label>\(chrome.t("ค้นหา", "Search"))<input name="q" value="\(search)" placeholder="\(chrome.t("ชื่อ เลขที่ ...", "name, number ..."))"></label>
          <label>\(chrome.t("กรองตามช่อง", "Filter by field"))<select name="field" id="filter-field"><option value=""></option>\(schema.activeFields.filter { ![.area, .file, .point, .longText].contains($0.type) }.html { f in "<option value=\"\(f.key)\"\(f.key == filterKey ? HTML(raw: " selected") : .empty)>\(label(f, chrome))</option>" })</select></label>
          <label>\(chrome.t("ค่า", "Value"))<input name="value" id="filter-value" value="\(filterText)"></label>
          <button type="submit" id="search-button">\(chrome.t("ค้นหา", "Search"))</button>
        </form>
        <p class="muted" id="record-count">\(chrome.t("พบ", "Found")) \(page.total) \(chrome.t("ระเบียน", "records"))</p>
        <div class="table-wrap"><table id="record-table"><thead><tr><th></th>\(headers)</tr></thead><tbody>\(rows)</tbody></table></div>
        <p class="row">
          \(q.offset > 0 ? "<a id=\"previous-page\" href=\"\(base)?offset=\(max(0, q.offset - q.limit))&amp;q=\(enc(search))\(filterQuery)\(sortQuery)\">← \(chrome.t("ก่อนหน้า", "Previous"))</a>" as HTML : .empty)
          \(page.total > q.limit ? "<span class=\"muted\">\(chrome.t("หน้า", "Page")) \(q.offset / q.limit + 1) / \((page.total + q.limit - 1) / q.limit)</span>" as HTML : .empty)
          \(q.offset + q.limit < page.total ? "<a id=\"next-page\" href=\"\(base)?offset=\(q.offset + q.limit)&amp;q=\(enc(search))\(filterQuery)\(sortQuery)\">\(chrome.t("ถัดไป", "Next")) →</a>" as HTML : .empty)
        </p>
        \(canWrite ? recordForm(chrome, schema: schema, action: url(ctx, .datasetRecords(.slug(d.slug))), values: formErrors.isEmpty && formValues.isEmpty ? defaults(schema) : formValues, errors: formErrors, villages: villages, references: try await referenceChoices(ctx, schema), title: chrome.t("เพิ่มระเบียน", "Add a record")) : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: title(d, chrome), body), status: formErrors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// What a person reads for a value: BE dates, formatted IDs, Thai yes/no.
    /// What a version's action says to a person.
    static func actionLabel(_ action: String) -> LocalizedMessage {
        switch action {
        case "create": .init(th: "สร้าง", en: "created")
        case "update": .init(th: "แก้ไข", en: "edited")
        case "delete": .init(th: "ลบ (ย้ายไปถังขยะ)", en: "deleted (to the trash)")
        case "restore": .init(th: "กู้คืนจากถังขยะ", en: "restored from the trash")
        case "import": .init(th: "นำเข้า", en: "imported")
        case "schema-change": .init(th: "เปลี่ยนโครงสร้างชุดข้อมูล", en: "dataset fields changed")
        case "restore-dataset": .init(th: "คืนค่าทั้งชุดข้อมูล", en: "dataset restored to a moment")
        case let a where a.hasPrefix("restore-version-"):
            .init(th: "คืนค่ารุ่นที่ \(a.dropFirst(16))", en: "version \(a.dropFirst(16)) restored")
        default: .init(th: action, en: action)
        }
    }

    static func display(_ v: FieldValue, _ f: FieldDefinition, _ c: PageChrome, villages: [UUID: String] = [:]) -> String {
        switch v {
        case .village(let id): villages[id] ?? c.t("(หมู่บ้านที่ถูกลบ)", "(removed village)")
        case .date(let day): c.lang == .th ? day.formatted(.thaiShort) : day.formatted(.english)
        case .datetime(let date): c.dateTime(date)
        case .boolean(let b): b ? c.t("ใช่", "Yes") : c.t("ไม่ใช่", "No")
        case .thaiID(let id): id.formatted
        case .point(let p): String(format: "%.5f, %.5f", p.lat, p.lon)
        case .area: c.t("พื้นที่ (GeoJSON)", "Area (GeoJSON)")
        case .file(let ref): FieldValue.storedFileID(ref) != nil ? c.t("ไฟล์แนบ", "Attached file") : ref
        default: v.text
        }
    }

    /// The text a form shows for a stored value, in a form the parser reads back.
    static func formText(_ v: FieldValue?) -> String {
        guard let v else { return "" }
        switch v {
        case .date(let day): return "\(day.day)/\(day.month)/\(day.buddhistYear)"
        case .datetime(let instant):   // "15/3/2569 14:05", Bangkok time, as the form reads it back
            let day = BangkokTime.calendarDay(of: instant)
            return "\(day.day)/\(day.month)/\(day.buddhistYear) " + BangkokTime.format(instant, style: .iso8601).dropFirst(11).prefix(5)
        default: return v.text
        }
    }

    /// A new record's form starts with each field's default, so what the form sends is what is saved.
    static func defaults(_ schema: DatasetSchema) -> [String: String] {
        schema.activeFields.reduce(into: [:]) { out, f in
            if let d = f.defaultValue { out[f.key] = defaultText(d, f) }
        }
    }

    /// For each reference field, the records of its target dataset a form offers (up to 500, by
    /// their first text field); a larger target keeps the plain id input.
    static func referenceChoices(_ ctx: TenantContext, _ schema: DatasetSchema) async throws -> [String: [(id: String, label: String)]] {
        var out: [String: [(id: String, label: String)]] = [:]
        for f in schema.activeFields where f.type == .reference {
            guard let slug = f.reference, let target = try await ctx.scope.query(Dataset.self).filter(\.$slug == slug).first() else { continue }
            let targetSchema = try DatasetService.schema(of: target)
            let shown = targetSchema.activeFields.first { $0.type == .text } ?? targetSchema.activeFields.first
            let records = try await ctx.scope.query(DatasetRecord.self).filter(\.$datasetID == (try target.requireID())).filter(\.$deletedAt == nil)
                .sort(\.$createdAt).limit(501).all()
            guard records.count <= 500 else { continue }
            out[f.key] = try records.map { r in
                let values = try DatasetService.values(r, targetSchema)
                return (r.id!.uuidString, shown.flatMap { values[$0.key]?.text } ?? r.id!.uuidString)
            }
        }
        return out
    }

    static func recordForm(_ c: PageChrome, schema: DatasetSchema, action: String, values: [String: String], errors: [FieldError],
                           villages: [Village], references: [String: [(id: String, label: String)]] = [:], title: String) -> HTML {
        let inputs = schema.activeFields.html { f in
            let name = "v[\(f.key)]"
            let value = values[f.key] ?? ""
            let error = errors.first { $0.field == f.key }
            let control: HTML
            switch f.type {
            case .longText, .area: control = "<textarea name=\"\(name)\" rows=\"3\">\(value)</textarea>"
            case .boolean:
                control = "<select name=\"\(name)\"><option value=\"\"></option><option value=\"ใช่\"\(value == "ใช่" || value == "true" ? HTML(raw: " selected") : .empty)>\(c.t("ใช่", "Yes"))</option><option value=\"ไม่ใช่\"\(value == "ไม่ใช่" || value == "false" ? HTML(raw: " selected") : .empty)>\(c.t("ไม่ใช่", "No"))</option></select>"
            case .choice:
                control = "<select name=\"\(name)\"><option value=\"\"></option>\(f.choices.html { ch in "<option\(ch == value ? HTML(raw: " selected") : .empty)>\(ch)</option>" })</select>"
            case .multiChoice:
                // One box per choice; the empty v[key] clears the field when none is ticked.
                let chosen = Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                control = "<input type=\"hidden\" name=\"\(name)\" value=\"\"><span class=\"choices\">\(f.choices.enumerated().html { i, ch in "<label class=\"check\"><input type=\"checkbox\" name=\"mc[\(f.key)][\(i)]\" value=\"\(ch)\"\(chosen.contains(ch) ? HTML(raw: " checked") : .empty)> \(ch)</label>" })</span>"
            case .reference where references[f.key] != nil:
                let options = references[f.key] ?? []
                control = "<select name=\"\(name)\"><option value=\"\"></option>\(options.html { o in "<option value=\"\(o.id)\"\(o.id.lowercased() == value.lowercased() ? HTML(raw: " selected") : .empty)>\(o.label)</option>" })</select>"
            case .village:
                control = "<select name=\"\(name)\"><option value=\"\"></option>\(villages.html { v in "<option value=\"\(v.id!.uuidString)\"\(v.id!.uuidString.lowercased() == value.lowercased() ? HTML(raw: " selected") : .empty)>\(VillagesController.label(v, c))</option>" })</select>"
            case .date: control = "<input name=\"\(name)\" value=\"\(value)\" placeholder=\"15/03/2569\" inputmode=\"numeric\">"
            case .integer, .decimal: control = "<input name=\"\(name)\" value=\"\(value)\" inputmode=\"decimal\">"
            case .email: control = "<input name=\"\(name)\" value=\"\(value)\" type=\"email\">"
            case .file:
                control = "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\"><input type=\"file\" name=\"upload[\(f.key)]\" accept=\"image/*,application/pdf\" capture=\"environment\">"
            case .point: control = "<input name=\"\(name)\" value=\"\(value)\" placeholder=\"14.68, 102.53\" data-point data-centre=\"\(c.tenant.map { "\($0.centre.lat),\($0.centre.lon)" } ?? "")\">"
            case .thaiID: control = "<input name=\"\(name)\" value=\"\(value)\" placeholder=\"1-2345-67890-12-1\" inputmode=\"numeric\">"
            default: control = "<input name=\"\(name)\" value=\"\(value)\">"
            }
            return """
            <label>\(label(f, c))\(f.required ? HTML(raw: " <span class=\"error-text\">*</span>") : .empty)\(control)
            \(f.help.map { "<span class=\"muted\">\(c.t($0))</span>" as HTML } ?? .empty)
            \(error.map { "<span class=\"error-text field-error\" data-field=\"\(f.key)\">\(c.t($0.message))</span>" as HTML } ?? .empty)</label>
            """
        }
        return """
        <form method="post" action="\(action)" class="stack card" id="record-form"\(schema.activeFields.contains { $0.type == .file } ? HTML(raw: " enctype=\"multipart/form-data\"") : .empty)>
          <h2>\(title)</h2>
          \(c.csrfField)
          \(inputs)
          <button type="submit" id="save-record">\(c.t("บันทึก", "Save"))</button>
        </form>
        \(schema.activeFields.contains { $0.type == .point } ? "<script type=\"module\" src=\"\(SiteURL.asset("map-picker.js").path)\"></script>" as HTML : .empty)
        """
    }

    struct RecordForm: Content { var v: [String: String]?; var mc: [String: [String: String]]?; var upload: [String: File]? }

    /// The form's texts, with uploaded photos and files stored and referenced as `file:<id>`; a
    /// file refused (too large, not a photo or PDF) is an error on its field, so the form comes
    /// back with everything typed kept.
    static func formTexts(_ req: Request, _ ctx: TenantContext, _ d: Dataset, _ schema: DatasetSchema) async throws -> (texts: [String: String], errors: [FieldError]) {
        let form = try req.content.decode(RecordForm.self)
        var texts = form.v ?? [:]
        for (key, ticked) in form.mc ?? [:] {   // ticked boxes, in the order of the choices
            texts[key] = ticked.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }.map(\.value).joined(separator: ", ")
        }
        var errors: [FieldError] = []
        for (key, upload) in form.upload ?? [:] where upload.data.readableBytes > 0 {
            guard let field = schema.field(key), field.type == .file else { continue }
            let data = Data(buffer: upload.data)
            guard data.count <= RecordFiles.maxBytes else {
                errors.append(FieldError(field, .init(th: "ไฟล์ \(upload.filename) ใหญ่เกิน 5 MB", en: "\(upload.filename) is larger than 5 MB.")))
                continue
            }
            guard let type = RecordFiles.contentType(data) else {
                errors.append(FieldError(field, .init(th: "ไฟล์ \(upload.filename) ไม่ใช่รูปภาพ (PNG, JPEG, WebP) หรือ PDF", en: "\(upload.filename) is not a photo (PNG, JPEG, WebP) or a PDF.")))
                continue
            }
            let f = RecordFile()
            f.id = UUID(); f.datasetID = try d.requireID(); f.filename = String(upload.filename.prefix(200)); f.contentType = type; f.data = data; f.createdAt = Date()
            try await ctx.scope.create(f)
            texts[key] = FieldValue.storedFile(try f.requireID())
        }
        return (texts, errors)
    }

    static func file(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let user = try ctx.require(.readDatasets)
        guard let f = try await ctx.scope.find(RecordFile.self, req.parameters.get("id", as: UUID.self)),
              let d = try await ctx.scope.find(Dataset.self, f.datasetID), DatasetAccess(user: user).canRead(d)
        else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: f.contentType)
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: .contentDisposition, value: f.contentType == "application/pdf" ? "attachment; filename=\"document.pdf\"" : "inline")
        return Response(status: .ok, headers: headers, body: .init(data: f.data))
    }

    static func createRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await load(req, ctx, write: true)
        let (texts, fileErrors) = try await formTexts(req, ctx, d, schema)
        guard fileErrors.isEmpty else { return try await browse(req, ctx, formErrors: fileErrors, formValues: texts) }
        do {
            _ = try await service.createRecord(d, .text(texts))
            return req.redirect(.tenant(ctx.tenant.slug, .dataset(.slug(d.slug))), notice: "created")
        } catch let e as DatasetService.InvalidRecord {
            return try await browse(req, ctx, formErrors: e.errors, formValues: texts)
        }
    }

    static func record(_ req: Request, _ ctx: TenantContext, formErrors: [FieldError] = [], formValues: [String: String]? = nil) async throws -> Response {
        let (service, access, d, schema) = try await load(req, ctx)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self))
        guard try DatasetsAPIController.visible(r, access, schema) else { throw AppError.notFound }
        try await DatasetsAPIController.auditPersonalRead(req, d, count: 1, id: r.id?.uuidString)
        let chrome = req.chrome(ctx, notice: formErrors.isEmpty ? notice(req) : .init(th: "บันทึกไม่ได้: ตรวจสอบช่องที่มีข้อผิดพลาด", en: "Not saved: check the fields marked below."))
        let values = try DatasetService.values(r, schema)
        let versions = try await service.history(r)
        let canWrite = access.canWrite(d)
        let villages = try await ctx.scope.query(Village.self).sort(\.$number).all()
        let names = Dictionary(uniqueKeysWithValues: villages.map { ($0.id!, VillagesController.label($0, chrome)) })
        let rid = try r.requireID()
        let table = schema.activeFields.html { f in
            if case .file(let ref)? = values[f.key], let fileID = FieldValue.storedFileID(ref) {
                let link = url(ctx, .file(.id(fileID)))
                return "<tr><th>\(label(f, chrome))</th><td><a href=\"\(link)\"><img class=\"photo\" src=\"\(link)\" alt=\"\(label(f, chrome))\"></a></td></tr>"
            }
            return "<tr><th>\(label(f, chrome))</th><td>\(values[f.key].map { display($0, f, chrome, villages: names) } ?? "–")</td></tr>"
        }
        var previous: RecordValues = [:]
        var historyRows: [HTML] = []
        for v in versions {
            let now = (try? schema.decodeVersion(fromJSON: v.valuesJSON).values) ?? [:]
            let order = Dictionary(schema.fields.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
            let changed = Set(previous.keys).union(now.keys).filter { previous[$0] != now[$0] }
                .sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }
            let diff = changed.html { key in
                let f = schema.field(key) ?? FieldDefinition(key: key, type: .text)
                return "<li><strong>\(label(f, chrome))</strong>: <del>\(previous[key].map { display($0, f, chrome, villages: names) } ?? "–")</del> → <ins>\(now[key].map { display($0, f, chrome, villages: names) } ?? "–")</ins></li>"
            }
            historyRows.append("""
            <tr><td>\(v.version)</td><td>\(chrome.dateTime(v.at))</td><td>\(v.actor)</td><td>\(chrome.t(Self.actionLabel(v.action)))\(v.deleted ? HTML(raw: " 🗑") : .empty)</td><td><ul class="plain">\(diff)</ul></td>
            <td>\(canWrite && v.version != r.version ? """
            <form method="post" action="\(url(ctx, .recordRestore(.slug(d.slug), .id(rid))))?version=\(v.version)">\(chrome.csrfField)<button type="submit">\(chrome.t("คืนค่ารุ่นนี้", "Restore this version"))</button></form>
            """ as HTML : .empty)</td></tr>
            """)
            previous = now
        }
        let point = schema.activeFields.first { $0.type == .point }.flatMap { values[$0.key] }
        var map: HTML = .empty
        if case .point(let p)? = point {
            map = """
            <div data-point-view="\(String(p.lat)), \(String(p.lon))"></div>
            <p><a href="https://www.openstreetmap.org/?mlat=\(String(p.lat))&amp;mlon=\(String(p.lon))#map=17/\(String(p.lat))/\(String(p.lon))" rel="noopener" target="_blank">\(chrome.t("ดูตำแหน่งบนแผนที่", "See it on a map")) (\(String(format: "%.5f, %.5f", p.lat, p.lon)))</a></p>
            """
        }
        // Each area drawn on a map of its own, under its label.
        for f in schema.activeFields where f.type == .area {
            guard case .area(let json)? = values[f.key] else { continue }
            map = "\(map)<h3>\(label(f, chrome))</h3><div class=\"area-view\" data-area-view=\"\(json.jsonText)\"></div>"
        }
        if schema.activeFields.contains(where: { $0.type == .point || $0.type == .area }) {
            map = "\(map)<script type=\"module\" src=\"\(SiteURL.asset("map-picker.js").path)\"></script>"
        }
        let form = formValues ?? Dictionary(uniqueKeysWithValues: schema.activeFields.map { ($0.key, formText(values[$0.key])) })
        let body: HTML = """
        <p><a href="\(url(ctx, .dataset(.slug(d.slug))))">← \(title(d, chrome))</a></p>
        <h1>\(chrome.t("ระเบียน", "Record")) <span class="muted">v\(r.version)</span></h1>
        <div class="table-wrap"><table id="record-values">\(table)</table></div>
        \(map)
        \(canWrite ? recordForm(chrome, schema: schema, action: url(ctx, .record(.slug(d.slug), .id(rid))), values: form, errors: formErrors, villages: villages, references: try await referenceChoices(ctx, schema), title: chrome.t("แก้ไข", "Edit")) : .empty)
        <h2>\(chrome.t("ประวัติการแก้ไข", "History"))</h2>
        <div class="table-wrap"><table id="history"><thead><tr><th>#</th><th>\(chrome.t("เวลา", "When"))</th><th>\(chrome.t("โดย", "Who"))</th><th>\(chrome.t("การกระทำ", "Action"))</th><th>\(chrome.t("สิ่งที่เปลี่ยน", "Changes"))</th><th></th></tr></thead>
        <tbody>\(historyRows)</tbody></table></div>
        \(canWrite ? "<form method=\"post\" action=\"\(url(ctx, .recordDelete(.slug(d.slug), .id(rid))))\" class=\"danger\" onsubmit=\"return confirm(this.dataset.confirm)\" data-confirm=\"\(chrome.t("ย้ายระเบียนนี้ไปถังขยะ? กู้คืนได้จากถังขยะ", "Move this record to the trash? It can be restored from the trash."))\">\(chrome.csrfField)<button type=\"submit\" id=\"delete-record\">\(chrome.t("ย้ายไปถังขยะ", "Move to trash"))</button></form>" as HTML : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ระเบียน", "Record"), body), status: formErrors.isEmpty ? .ok : .unprocessableEntity)
    }

    static func updateRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await load(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self))
        let (texts, fileErrors) = try await formTexts(req, ctx, d, schema)
        guard fileErrors.isEmpty else { return try await record(req, ctx, formErrors: fileErrors, formValues: texts) }
        do {
            // A field emptied in the form is cleared, not kept: send every field the form shows.
            _ = try await service.updateRecord(d, r, .text(texts))
            return req.redirect(.tenant(ctx.tenant.slug, .record(.slug(d.slug), .id(try r.requireID()))), notice: "saved")
        } catch let e as DatasetService.InvalidRecord {
            return try await record(req, ctx, formErrors: e.errors, formValues: texts)
        }
    }

    static func deleteRecord(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await load(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self))
        try await service.trash(d, r)
        return req.redirect(.tenant(ctx.tenant.slug, .dataset(.slug(d.slug))), notice: "deleted")
    }

    static func restoreVersion(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await load(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: true)
        guard let version = try? req.query.get(Int.self, at: "version") else { throw AppError(.badRequest, th: "ไม่ระบุรุ่น", en: "No version given.") }
        do {
            _ = try await service.restoreVersion(d, r, version: version)
        } catch let e as DatasetService.InvalidRecord {
            throw AppError.invalid(th: e.errors.map(\.message.th).joined(separator: "; "), en: e.errors.map(\.message.en).joined(separator: "; "))
        }
        return req.redirect(.tenant(ctx.tenant.slug, .record(.slug(d.slug), .id(try r.requireID()))), notice: "saved")
    }

    static func trash(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await load(req, ctx, write: true)
        let chrome = req.chrome(ctx, notice: notice(req))
        var q = DatasetService.RecordQuery()
        q.deleted = true
        q.limit = 200
        let page = try await service.records(d, q)
        let shown = Array(schema.activeFields.prefix(5))
        let canPurge = chrome.can(.purgeRecords)
        let imports = try await ctx.scope.query(DatasetJob.self).filter(\.$datasetID == (try d.requireID())).filter(\.$status == "done")
            .sort(\.$createdAt, .descending).limit(5).all()
        let confirmRestore = chrome.t("คืนทั้งชุดข้อมูลให้เหมือนเวลานั้น? ระเบียนที่สร้างหลังจากนั้นจะย้ายไปถังขยะ และทุกการเปลี่ยนแปลงยังอยู่ในประวัติ",
                                      "Put the whole dataset back as it was then? Records made since go to the trash; every change stays in the history.")
        let rows = try page.items.html { r in
            let values = try DatasetService.values(r, schema)
            return """
            <tr>\(shown.html { f in "<td>\(values[f.key].map { display($0, f, chrome) } ?? "")</td>" })<td>\(r.deletedAt.map(chrome.dateTime) ?? "")</td><td>\(r.updatedBy)</td>
            <td class="actions"><form method="post" action="\(url(ctx, .trashRestore(.slug(d.slug), .id(r.id!))))">\(chrome.csrfField)<button type="submit">\(chrome.t("กู้คืน", "Restore"))</button></form>
            \(canPurge ? """
            <form method="post" class="purge danger" action="\(url(ctx, .trashPurge(.slug(d.slug), .id(r.id!))))" onsubmit="return confirm(this.dataset.confirm)" data-confirm="\(chrome.t("ลบระเบียนนี้ถาวรพร้อมประวัติทั้งหมด? ย้อนกลับไม่ได้", "Delete this record and all its history for good? This cannot be undone."))">\(chrome.csrfField)<button type="submit">\(chrome.t("ลบถาวร", "Delete for good"))</button></form>
            """ as HTML : .empty)</td></tr>
            """
        }
        let body: HTML = """
        <p><a href="\(url(ctx, .dataset(.slug(d.slug))))">← \(title(d, chrome))</a></p>
        <h1>\(chrome.t("ถังขยะ", "Trash")): \(title(d, chrome))</h1>
        <div class="table-wrap"><table id="trash-table"><thead><tr>\(shown.html { "<th>\(label($0, chrome))</th>" })<th>\(chrome.t("ลบเมื่อ", "Deleted"))</th><th>\(chrome.t("โดย", "By"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
        <form method="post" action="\(url(ctx, .datasetRestore(.slug(d.slug))))" class="row card" id="restore-dataset" onsubmit="return confirm(this.dataset.confirm)" data-confirm="\(confirmRestore)">
          \(chrome.csrfField)
          <label>\(chrome.t("คืนทั้งชุดข้อมูลให้เหมือนเมื่อ (วันที่ เวลา)", "Put the whole dataset back as it was at (date, time)"))<input name="day" placeholder="15/03/2569" required></label>
          <label>\(chrome.t("เวลา (ชั่วโมง:นาที:วินาที)", "Time (hours:minutes:seconds)"))<input name="time" placeholder="14:30:05" value="00:00"></label>
          <button type="submit">\(chrome.t("คืนค่าชุดข้อมูล", "Restore dataset"))</button>
        </form>
        \(imports.isEmpty ? .empty : """
        <h2>\(chrome.t("ย้อนการนำเข้า", "Undo an import"))</h2>
        <div class="table-wrap"><table id="recent-imports"><thead><tr><th>\(chrome.t("นำเข้าเมื่อ", "Imported"))</th><th>\(chrome.t("โดย", "By"))</th><th>\(chrome.t("ผล", "Result"))</th><th></th></tr></thead><tbody>
        \(imports.html { job in """
          <tr><td>\(chrome.dateTime(job.createdAt))</td><td>\(job.actor)</td><td>\(job.importResult.map { chrome.t("ใหม่ \($0.imported) · ปรับปรุง \($0.updated)", "\($0.imported) new · \($0.updated) updated") } ?? "")</td>
          <td><form method="post" action="\(url(ctx, .datasetRestore(.slug(d.slug))))" onsubmit="return confirm(this.dataset.confirm)" data-confirm="\(confirmRestore)">\(chrome.csrfField)<input type="hidden" name="at" value="\(InstantText.format(job.createdAt))"><button type="submit" class="undo-import">\(chrome.t("คืนชุดข้อมูลไปก่อนการนำเข้านี้", "Put the dataset back as it was before this import"))</button></form></td></tr>
          """ as HTML })
        </tbody></table></div>
        """ as HTML)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ถังขยะ", "Trash"), body))
    }

    static func restoreFromTrash(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await load(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: true)
        guard r.deletedAt != nil else { throw AppError(.conflict, th: "ระเบียนนี้ไม่ได้อยู่ในถังขยะ", en: "This record is not in the trash.") }
        do { _ = try await service.restoreFromTrash(d, r) } catch let e as DatasetService.InvalidRecord {
            throw AppError.invalid(th: e.errors.map(\.message.th).joined(separator: "; "), en: e.errors.map(\.message.en).joined(separator: "; "))
        }
        return req.redirect(.tenant(ctx.tenant.slug, .datasetTrash(.slug(d.slug))), notice: "saved")
    }

    /// A municipal admin removes a record from the trash for good; the audit log keeps who and when.
    static func purgeFromTrash(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await load(req, ctx, write: true)
        let r = try await service.record(d, req.parameters.get("id", as: UUID.self), includeDeleted: true)
        try await service.purge(d, r, log: CityDatabaseMoreAPI.purgeLog(req, d, r))
        return req.redirect(.tenant(ctx.tenant.slug, .datasetTrash(.slug(d.slug))), notice: "purged")
    }

    /// The title, description and owning division of a dataset, after it was made. Staff keep
    /// it within their own divisions, as when they design one.
    static func changeDetails(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (_, access, d, _) = try await load(req, ctx, write: true)
        struct Form: Content { var titleTH: String; var titleEN: String?; var description: String?; var division: String? }
        let form = try req.content.decode(Form.self)
        let titleTH = form.titleTH.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !titleTH.isEmpty else { throw AppError.invalid(th: "ต้องมีชื่อชุดข้อมูลภาษาไทย", en: "The Thai title is required.") }
        var divisionID: UUID?
        if let slug = form.division, !slug.isEmpty {
            guard let division = try await ctx.scope.query(Division.self).filter(\.$slug == slug).first() else {
                throw AppError.invalid(th: "ไม่พบกอง \(slug)", en: "No division \(slug).")
            }
            divisionID = division.id
        }
        guard access.canCreate(divisionID: divisionID) else { throw AppError.forbidden }
        let englishTitle = (form.titleEN ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        d.titleTH = titleTH; d.titleEN = englishTitle.isEmpty ? titleTH : englishTitle
        d.descriptionText = form.description ?? ""; d.divisionID = divisionID; d.updatedAt = Date()
        try await d.update(on: ctx.scope.db)   // d was found through the tenant scope
        try await req.audit("update", "dataset", id: d.slug, "changed the details of dataset \(d.slug)")
        return req.redirect(.tenant(ctx.tenant.slug, .datasetFields(.slug(d.slug))), notice: "saved")
    }

    static func restoreDataset(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, _) = try await load(req, ctx, write: true)
        // A day and a time to the second, or `at` (an import's start, from "undo this import":
        // the dataset as it was just before it).
        struct Form: Content { var day: String?; var time: String?; var at: String? }
        let form = try req.content.decode(Form.self)
        let moment: Date
        if let at = form.at {
            guard let start = InstantText.parse(at) else { throw AppError.malformed }
            moment = start.addingTimeInterval(-0.001)
        } else {
            let day: CalendarDay
            do { day = try CalendarDay.parse(form.day ?? "") } catch { throw AppError.invalid(th: error.message.th, en: error.message.en) }
            let parts = ThaiDigits.toASCII(form.time ?? "0:00").split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...3).contains(parts.count), let hour = parts[0], (0..<24).contains(hour),
                  parts.dropFirst().allSatisfy({ $0.map { (0..<60).contains($0) } ?? false }) else {
                throw AppError.invalid(th: "เวลาไม่ถูกต้อง (ชั่วโมง:นาที:วินาที)", en: "Invalid time (hours:minutes:seconds).")
            }
            let seconds = hour * 3600 + (parts.count > 1 ? parts[1]! * 60 : 0) + (parts.count > 2 ? parts[2]! : 0)
            moment = BangkokTime.startOfDay(day).addingTimeInterval(TimeInterval(seconds) + 0.999)   // the whole second
        }
        let changed: Int
        do { changed = try await service.restoreDataset(d, at: moment) } catch let e as DatasetService.InvalidRecord {
            throw AppError(.conflict, th: "คืนชุดข้อมูลไม่ได้: " + e.errors.map(\.message.th).joined(separator: "; "),
                           en: "The dataset cannot be restored: " + e.errors.map(\.message.en).joined(separator: "; "))
        }
        try await req.audit("update", "dataset", id: d.slug, "restored dataset \(d.slug) to \(InstantText.format(moment)): \(changed) changed")
        return req.redirect(to: url(ctx, .dataset(.slug(d.slug))) + "?notice=restored&n=\(changed)", redirectType: .normal)
    }
}

extension DatasetPages {
    /// Changing a dataset's fields: rename a key (values follow), archive a field (values kept,
    /// restorable), add fields, change a type (refused, with the records, if values cannot follow),
    /// and every per-field setting the designer has. After a refused post, `sent` is what was
    /// posted, shown again as typed.
    static func fieldsPage(_ req: Request, _ ctx: TenantContext, notice: LocalizedMessage? = nil, blockers: [SchemaEvolution.Blocker<UUID>] = [],
                           sent: [DesignForm.Row]? = nil, problems: DesignProblems = .init(), status: HTTPResponseStatus = .ok) async throws -> Response {
        let (_, access, d, schema) = try await load(req, ctx, write: true)
        let chrome = req.chrome(ctx, notice: notice ?? MueangApp.notice(req))
        let targets = try await referenceTargets(ctx, access.user)
        let shown = sent ?? schema.fields.map { DesignForm.Row($0) }
        let count = sent.map { max($0.count, schema.fields.count) } ?? schema.fields.count + 4
        let rows = (0..<count).html { i in
            fieldRow(i, i < shown.count ? shown[i] : nil, chrome, archivable: true, targets: targets, excluding: d.slug, errors: problems.byRow[i] ?? [])
        }
        let divisions = try await ctx.scope.query(Division.self).sort(\.$sortOrder).all()
            .filter { access.user.role != .staff || access.user.divisionIDs.contains($0.id!) }
        let details: HTML = """
        <form method="post" action="\(url(ctx, .datasetDetails(.slug(d.slug))))" class="stack card" id="details-form">
          <h2>\(chrome.t("รายละเอียดชุดข้อมูล", "Dataset details"))</h2>
          \(chrome.csrfField)
          <label>\(chrome.t("ชื่อชุดข้อมูล (ไทย)", "Title (Thai)"))<input name="titleTH" value="\(d.titleTH)" required></label>
          <label>\(chrome.t("ชื่อชุดข้อมูล (อังกฤษ)", "Title (English)"))<input name="titleEN" value="\(d.titleEN)"></label>
          <label>\(chrome.t("คำอธิบาย", "Description"))<textarea name="description" rows="2">\(d.descriptionText)</textarea></label>
          <label>\(chrome.t("กองเจ้าของ", "Owning division"))<select name="division">\(access.user.role == .staff ? .empty : "<option value=\"\">–</option>" as HTML)\(divisions.html { "<option value=\"\($0.slug)\"\($0.id == d.divisionID ? HTML(raw: " selected") : .empty)>\(chrome.t($0.nameTH, $0.nameEN))</option>" })</select></label>
          <button type="submit" id="save-details">\(chrome.t("บันทึกรายละเอียด", "Save the details"))</button>
        </form>
        """
        let blocked = blockers.html { b in
            "<tr><td><a href=\"\(url(ctx, .record(.slug(d.slug), .id(b.record))))\">\(String(b.record.uuidString.prefix(8)))</a></td><td>\(b.error.field)</td><td>\(chrome.t(b.error.message))</td></tr>"
        }
        let body: HTML = """
        <p><a href="\(url(ctx, .dataset(.slug(d.slug))))">← \(title(d, chrome))</a></p>
        <h1>\(chrome.t("โครงสร้างชุดข้อมูล", "Dataset fields")): \(title(d, chrome))</h1>
        \(details)
        <p class="muted">\(chrome.t("เปลี่ยนรหัสช่องได้โดยข้อมูลยังอยู่ ช่องที่เก็บถาวรจะซ่อนแต่ค่าไม่หาย เลือกออกเพื่อนำกลับมา", "Renaming a key keeps its values; an archived field is hidden with its values kept; untick to bring it back."))</p>
        \(problemList(problems.all, chrome))
        \(blockers.isEmpty ? .empty : "<div class=\"table-wrap\"><table id=\"blockers\"><thead><tr><th>\(chrome.t("ระเบียน", "Record"))</th><th>\(chrome.t("ช่อง", "Field"))</th><th>\(chrome.t("เหตุผล", "Reason"))</th></tr></thead><tbody>\(blocked)</tbody></table></div>" as HTML)
        <form method="post" action="\(url(ctx, .datasetFields(.slug(d.slug))))" class="stack wide" id="fields-form">
          \(chrome.csrfField)
          \(fieldTable(rows, chrome, archivable: true))
          \(addFieldButton(chrome))
          <button type="submit" id="save-fields">\(chrome.t("บันทึกโครงสร้าง", "Save the fields"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("โครงสร้างชุดข้อมูล", "Dataset fields"), body), status: status)
    }

    static func changeFields(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, access, d, schema) = try await load(req, ctx, write: true)
        let form = try req.content.decode(FieldsForm.self)
        let rows = form.fields ?? []
        if form.more != nil { return try await fieldsPage(req, ctx, sent: rows + Array(repeating: DesignForm.Row(), count: moreRows)) }
        // Archived rows are left out of the new list: the evolution archives what is missing.
        let archived = Set(rows.indices.filter { rows[$0].archive != nil })
        let active = rows.enumerated().map { i, row in archived.contains(i) ? DesignForm.Row() : row }
        // A reference may name the datasets this person can read, and keep a target it already had.
        let targets = Set(try await referenceTargets(ctx, access.user).map(\.slug)).union(schema.fields.compactMap(\.reference))
        let design = fieldDefinitions(active, targets: targets)
        guard design.problems.isEmpty else {
            return try await fieldsPage(req, ctx, sent: rows, problems: design.problems, status: .unprocessableEntity)
        }
        var renames: [String: String] = [:]
        for row in rows {
            guard let original = row.original, let key = row.key?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { continue }
            if original != key { renames[original] = key }
        }
        do {
            switch try await service.changeSchema(d, fields: design.fields, renames: renames) {
            case .refused(let blockers):
                return try await fieldsPage(req, ctx, notice: .init(th: "เปลี่ยนช่องข้อมูลไม่ได้ ค่าต่อไปนี้แปลงไม่ได้หรือซ้ำกัน", en: "The change was refused: these values cannot be converted or are duplicates."),
                                            blockers: blockers, sent: rows, status: .conflict)
            case .changed(_, let summary):
                try await req.audit("update", "dataset", id: d.slug, summary)
                return req.redirect(.tenant(ctx.tenant.slug, .datasetFields(.slug(d.slug))), notice: "saved")
            }
        } catch let e as AppError where e.status == .unprocessableEntity {
            return try await fieldsPage(req, ctx, sent: rows, problems: .init(general: [e.message]), status: e.status)
        }
    }

    struct FieldsForm: Content { var fields: [DesignForm.Row]?; var more: String? }
}

extension DatasetPages.DesignForm.Row {
    /// A stored field as the fields page shows it.
    init(_ f: FieldDefinition) {
        self.init(key: f.key, type: f.type.rawValue, labelTH: f.label?.th, labelEN: f.label?.en,
                  required: f.required ? "1" : nil, unique: f.unique ? "1" : nil, choices: f.choices.joined(separator: ", "),
                  min: f.min?.description, max: f.max?.description, pattern: f.pattern,
                  default: f.defaultValue.map { DatasetPages.defaultText($0, f) }, reference: f.reference,
                  helpTH: f.help?.th, helpEN: f.help?.en, original: f.key, archive: f.archived ? "1" : nil)
    }
}
