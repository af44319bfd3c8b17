import Vapor
import Fluent
import Datasets
import Tabular
import ThaiConventions

/// Import in the browser: upload, preview the first rows, map columns (suggested by name),
/// choose insert-only or update-by-key and all-or-nothing or valid rows, then watch a job's
/// progress bar; rejected rows can be downloaded as a CSV to fix and import again.
extension DatasetPages {
    static func registerImport(_ site: Site) {
        site.page(.GET, .datasetExport(.pattern), .requires(.readDatasets)) { req, ctx in try await DatasetExportEndpoint.run(req, ctx) }
    }

    static func importForm(_ req: Request, _ ctx: TenantContext, error: LocalizedMessage? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let (_, _, d, schema) = try await load(req, ctx, write: true)
        let chrome = req.chrome(ctx, notice: error)
        let body: HTML = """
        <p><a href="\(url(ctx, .dataset(.slug(d.slug))))">← \(title(d, chrome))</a></p>
        <h1>\(chrome.t("นำเข้าไฟล์", "Import a file")): \(title(d, chrome))</h1>
        <p>\(chrome.t("รองรับ CSV (UTF-8 หรือ TIS-620) และ Excel (.xlsx) แถวแรกเป็นหัวตาราง ใช้ชื่อช่องหรือป้ายชื่อ:", "CSV (UTF-8 or TIS-620) and Excel (.xlsx). The first row holds the headers, the field keys or labels:"))
        \(schema.activeFields.html { "<code>\(label($0, chrome))</code> " })</p>
        <form method="post" action="\(url(ctx, .importPreview(.slug(d.slug))))" enctype="multipart/form-data" class="stack card" id="upload-form">
          \(chrome.csrfField)
          <input type="file" name="file" id="import-file" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
          <button type="submit" id="upload">\(chrome.t("ดูตัวอย่าง", "Preview"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("นำเข้าไฟล์", "Import"), body), status: status)
    }

    /// Uploads live under the data directory, named with the tenant so one tenant can never
    /// point at another's file.
    static func uploadURL(_ req: Request, _ ctx: TenantContext, _ id: UUID) -> URL {
        URL(fileURLWithPath: req.application.appConfig.dataDirectory)
            .appendingPathComponent("uploads").appendingPathComponent("web-\(ctx.tenant.id.uuidString.lowercased())-\(id.uuidString.lowercased())")
    }

    static func preview(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Upload: Content { var file: File }
        guard let upload = try? req.content.decode(Upload.self), upload.file.data.readableBytes > 0 else {
            return try await importForm(req, ctx, error: .init(th: "กรุณาเลือกไฟล์ที่ไม่ว่างเปล่า", en: "Choose a file that is not empty."), status: .badRequest)
        }
        let id = UUID()
        let file = uploadURL(req, ctx, id)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(buffer: upload.file.data).write(to: file)
        return try await renderPreview(req, ctx, upload: id, filename: upload.file.filename, sheet: nil)
    }

    /// The preview of an upload already made, for another sheet of its workbook
    /// (`?upload=&sheet=&name=`).
    static func previewAgain(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Query: Content { var upload: UUID; var sheet: String?; var name: String? }
        guard let q = try? req.query.decode(Query.self) else { throw AppError.malformed }
        guard FileManager.default.fileExists(atPath: uploadURL(req, ctx, q.upload).path) else {
            throw AppError(.gone, th: "ไม่พบไฟล์ที่อัปโหลด กรุณาอัปโหลดใหม่", en: "The upload is gone; please upload the file again.")
        }
        return try await renderPreview(req, ctx, upload: q.upload, filename: q.name ?? "", sheet: q.sheet)
    }

    static func renderPreview(_ req: Request, _ ctx: TenantContext, upload id: UUID, filename: String, sheet: String?) async throws -> Response {
        let (_, _, d, schema) = try await load(req, ctx, write: true)
        let file = uploadURL(req, ctx, id)
        let chrome = req.chrome(ctx)
        let header: [String]
        var sample: [[String]] = []
        var sheets: (names: [String], chosen: String)?
        do {
            let source = try DatasetImportEndpoint.openSource(file, sheet: sheet)
            if let book = source as? XLSXRowSource { sheets = (book.sheetNames, book.sheet) }
            header = try source.header()
            while sample.count < 10, let row = try source.next() { sample.append(row.cells) }
        } catch let e as AppError {
            if sheet == nil { try? FileManager.default.removeItem(at: file) }
            return try await importForm(req, ctx, error: e.message, status: e.status)
        } catch let e as any BilingualError {
            if sheet == nil { try? FileManager.default.removeItem(at: file) }
            return try await importForm(req, ctx, error: e.message, status: .unprocessableEntity)
        }
        // A workbook of several sheets: choose which one to import (the first by default).
        var sheetChooser: HTML = .empty
        if let sheets, sheets.names.count > 1 {
            let options = sheets.names.html { n in "<option\(n == sheets.chosen ? HTML(raw: " selected") : .empty)>\(n)</option>" }
            sheetChooser = """
            <form method="get" action="\(url(ctx, .importPreview(.slug(d.slug))))" class="row card" id="sheet-form">
              <input type="hidden" name="upload" value="\(id.uuidString.lowercased())"><input type="hidden" name="name" value="\(filename)">
              <label>\(chrome.t("แผ่นงานที่จะนำเข้า", "Sheet to import"))<select name="sheet" id="sheet" onchange="this.form.submit()">\(options)</select></label>
              <noscript><button type="submit">\(chrome.t("แสดงแผ่นงานนี้", "Show this sheet"))</button></noscript>
            </form>
            """
        }
        let suggested = ImportService.mapColumns(header, schema)
        let fieldOptions: (Int) -> HTML = { i in
            "<option value=\"\">\(chrome.t("— ไม่นำเข้า —", "— skip —"))</option>" as HTML
                + schema.activeFields.html { f in "<option value=\"\(f.key)\"\(suggested[i] == f.key ? HTML(raw: " selected") : .empty)>\(label(f, chrome))</option>" }
        }
        let mapping = header.enumerated().html { i, h in
            "<tr><td>\(h)</td><td><select name=\"map[\(i)]\" class=\"mapping\">\(fieldOptions(i))</select></td><td class=\"muted\">\(sample.prefix(3).map { i < $0.count ? $0[i] : "" }.joined(separator: " · "))</td></tr>"
        }
        let preview = sample.html { row in "<tr>\(row.html { "<td>\($0)</td>" })</tr>" }
        let uniqueFields = schema.activeFields.filter(\.unique)
        let body: HTML = """
        <p><a href="\(url(ctx, .datasetImport(.slug(d.slug))))">← \(chrome.t("เลือกไฟล์อื่น", "Choose another file"))</a></p>
        <h1>\(chrome.t("ตรวจสอบก่อนนำเข้า", "Check before importing")): \(filename)</h1>
        \(sheetChooser)
        <h2>\(chrome.t("ตัวอย่าง 10 แถวแรก", "The first 10 rows"))</h2>
        <div class="table-wrap"><table id="preview"><thead><tr>\(header.html { "<th>\($0)</th>" })</tr></thead><tbody>\(preview)</tbody></table></div>
        <form method="post" action="\(url(ctx, .datasetImport(.slug(d.slug))))" class="stack card wide" id="mapping-form">
          \(chrome.csrfField)
          <input type="hidden" name="upload" value="\(id.uuidString.lowercased())">
          \(sheets.map { "<input type=\"hidden\" name=\"sheet\" value=\"\($0.chosen)\">" as HTML } ?? .empty)
          <h2>\(chrome.t("จับคู่คอลัมน์กับช่อง", "Map columns to fields"))</h2>
          <div class="table-wrap"><table><thead><tr><th>\(chrome.t("คอลัมน์ในไฟล์", "Column"))</th><th>\(chrome.t("ช่องในชุดข้อมูล", "Field"))</th><th>\(chrome.t("ตัวอย่าง", "Sample"))</th></tr></thead><tbody>\(mapping)</tbody></table></div>
          <fieldset><legend>\(chrome.t("เมื่อพบแถวที่ไม่ถูกต้อง", "When some rows are invalid"))</legend>
            <label class="check"><input type="radio" name="mode" value="all_or_nothing" checked> \(chrome.t("ไม่นำเข้าเลยถ้ามีแถวผิดแม้แถวเดียว", "Import nothing unless all rows are valid"))</label>
            <label class="check"><input type="radio" name="mode" value="valid_rows" id="mode-valid"> \(chrome.t("นำเข้าแถวที่ถูกต้อง แล้วให้รายการแถวที่ผิด", "Import the valid rows and give me the rejects"))</label>
          </fieldset>
          <label>\(chrome.t("แถวที่มีอยู่แล้ว", "Existing records"))<select name="key">
            <option value="">\(chrome.t("เพิ่มเป็นระเบียนใหม่เสมอ", "Always insert new records"))</option>
            \(uniqueFields.html { f in "<option value=\"\(f.key)\">\(chrome.t("ปรับปรุงระเบียนที่", "Update records matching")) \(label(f, chrome)) \(chrome.t("ตรงกัน", ""))</option>" })
          </select></label>
          <button type="submit" id="run-import">\(chrome.t("นำเข้า", "Import"))</button>
        </form>
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("ตรวจสอบก่อนนำเข้า", "Preview import"), body))
    }

    static func runImport(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (service, _, d, schema) = try await load(req, ctx, write: true)
        struct Form: Content { var upload: UUID; var mode: String; var key: String?; var sheet: String?; var map: [String: String]? }
        let form = try req.content.decode(Form.self)
        guard let mode = ImportMode(rawValue: form.mode) else { throw AppError(.badRequest, th: "โหมดไม่ถูกต้อง", en: "Unknown mode.") }
        let file = uploadURL(req, ctx, form.upload)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw AppError(.gone, th: "ไม่พบไฟล์ที่อัปโหลด กรุณาอัปโหลดใหม่", en: "The upload is gone; please upload the file again.")
        }
        let source = try DatasetImportEndpoint.openSource(file, sheet: form.sheet)
        let count = (form.map ?? [:]).keys.compactMap(Int.init).max().map { $0 + 1 } ?? 0
        let mapping: [String?] = (0..<count).map { i in form.map?[String(i)].flatMap { $0.isEmpty ? nil : $0 } }
        _ = try ImportService.checked(mapping, header: mapping.map { _ in "" }, schema)
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let key = (form.key ?? "").isEmpty ? nil : form.key
        let jobID = try await DatasetImportEndpoint.launch(req, ctx, service, d, source, file: file, sheet: form.sheet, mode: mode, key: key,
                                                           mapping: mapping, size: size)
        return req.redirect(to: url(ctx, .job(.id(jobID))), redirectType: .normal)
    }

    static func loadJob(_ req: Request, _ ctx: TenantContext) async throws -> (DatasetJob, Dataset) {
        let user = try ctx.require(.readDatasets)
        guard let job = try await ctx.scope.find(DatasetJob.self, req.parameters.get("id", as: UUID.self)),
              let d = try await ctx.scope.find(Dataset.self, job.datasetID), DatasetAccess(user: user).canRead(d)
        else { throw AppError.notFound }
        return (job, d)
    }

    /// The job's page: a progress bar while it runs (refreshing itself, with or without
    /// JavaScript), then the result with the rejected rows. `Accept: application/json` gets JSON.
    static func job(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (stored, d) = try await loadJob(req, ctx)
        let job = req.application.jobRegistry.current(stored)
        let state = try DatasetsAPIController.JobStatus(job, req.application.jobRegistry)
        if BilingualErrorMiddleware.wantsJSON(req) { return try await state.encodeResponse(for: req) }
        let (progress, result) = (state.progress, state.result)
        let chrome = req.chrome(ctx)
        let running = job.status == "running"
        var body: HTML = """
        <p><a href="\(url(ctx, .dataset(.slug(d.slug))))">← \(title(d, chrome))</a></p>
        <h1>\(chrome.t("การนำเข้า", "Import")) <span class="muted" id="job-status" data-status="\(job.status)">\(chrome.t(Self.statusLabel(job.status)))</span></h1>
        <progress id="job-progress" max="1" value="\(String(format: "%.3f", progress))">\(Int(progress * 100))%</progress>
        """
        if running {
            body = "\(body)<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript><script type=\"module\" src=\"\(SiteURL.asset("job.js").path)\"></script>"
        } else if let result {
            let rejected = result.rejected.html { r in "<tr><td>\(r.row)</td><td>\(r.column ?? "")</td><td>\(chrome.t(r.reason))</td></tr>" }
            body = """
            \(body)
            <p id="job-result">\(chrome.t("นำเข้าใหม่", "Imported")) <strong id="imported">\(result.imported)</strong> ·
            \(chrome.t("ปรับปรุง", "updated")) <strong id="updated">\(result.updated)</strong> ·
            \(chrome.t("ตรงกับที่มีอยู่แล้ว", "unchanged")) <strong id="unchanged">\(result.unchanged)</strong> ·
            \(chrome.t("แถวที่ผิด", "rejected")) <strong id="rejected-count">\(result.rejected.count)</strong></p>
            \(result.ignoredColumns.isEmpty ? .empty : "<p id=\"ignored-columns\">\(chrome.t("คอลัมน์ที่ไม่ได้นำเข้า (ไม่ตรงกับช่องใด)", "Columns not imported (no field took them)")): \(result.ignoredColumns.joined(separator: ", "))</p>" as HTML)
            \(result.rejected.isEmpty ? .empty : """
            <p><a class="button" id="download-rejects" href="\(url(ctx, .jobRejects(.id(try job.requireID()))))">\(chrome.t("ดาวน์โหลดรายการแถวที่ผิด (CSV)", "Download the rejected rows (CSV)"))</a></p>
            <div class="table-wrap"><table id="rejects"><thead><tr><th>\(chrome.t("แถว", "Row"))</th><th>\(chrome.t("คอลัมน์", "Column"))</th><th>\(chrome.t("เหตุผล", "Reason"))</th></tr></thead><tbody>\(rejected)</tbody></table></div>
            """ as HTML)
            """
        } else {
            let why = state.error ?? .init(th: "การนำเข้าล้มเหลว ไม่มีข้อมูลใดถูกเปลี่ยน", en: "The import failed; nothing was changed.")
            body = "\(body)<p class=\"error-text\" id=\"job-error\">\(chrome.t(why))</p>"
        }
        return htmlResponse(Layout.render(chrome, title: chrome.t("การนำเข้า", "Import"), body))
    }

    static func statusLabel(_ status: String) -> LocalizedMessage {
        switch status {
        case "running": .init(th: "กำลังนำเข้า", en: "running")
        case "done": .init(th: "เสร็จแล้ว", en: "done")
        default: .init(th: "ล้มเหลว", en: "failed")
        }
    }

    /// The rejected rows as CSV (UTF-8 with BOM for Excel): each row as the file had it, with
    /// its row number and reasons, to fix and import again; for a job from before those were
    /// kept, the list of row, column and reason.
    static func rejects(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let (job, d) = try await loadJob(req, ctx)
        guard let result = job.importResult else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(d.slug)-rejects.csv\"")
        let kept = RejectedRows.file(req.application, tenant: ctx.tenant.id, job: try job.requireID())
        if let data = FileManager.default.contents(atPath: kept.path) {
            return Response(status: .ok, headers: headers, body: .init(data: data))
        }
        let w = CSVWriter()
        try w.writeRow(["row", "column", "reason_th", "reason_en"])
        for r in result.rejected { try w.writeRow([String(r.row), r.column ?? "", r.reason.th, r.reason.en]) }
        try w.finish()
        return Response(status: .ok, headers: headers, body: .init(data: w.drain()))
    }
}

/// The rows an import rejected, copied from its file as they were, with why: what a person
/// downloads, fixes in Excel and imports again.
enum RejectedRows {
    static let rowColumn = "แถวในไฟล์เดิม (row)"
    static let reasonColumn = "เหตุผลที่ไม่ผ่าน (reason)"

    static func file(_ app: Application, tenant: UUID, job: UUID) -> URL {
        URL(fileURLWithPath: app.appConfig.dataDirectory).appendingPathComponent("rejects")
            .appendingPathComponent("\(tenant.uuidString.lowercased())-\(job.uuidString.lowercased()).csv")
    }

    static func write(_ rejected: [ImportResult.Rejected], from source: any RowSource, to url: URL) throws {
        var reasons: [Int: [String]] = [:]
        for r in rejected {
            reasons[r.row, default: []].append((r.column.map { $0 + ": " } ?? "") + r.reason.th + " / " + r.reason.en)
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = url.appendingPathExtension("part")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil) else { throw AppError.storageFull }
        let handle = try FileHandle(forWritingTo: partial)
        do {
            let w = CSVWriter(fileHandle: handle)
            let header = try source.header()
            try w.writeRow(header + [rowColumn, reasonColumn])
            var left = reasons.count
            while left > 0, let row = try source.next() {
                guard let why = reasons[row.number] else { continue }
                left -= 1
                let cells = row.cells + Array(repeating: "", count: max(0, header.count - row.cells.count))
                // As exports write text: digits Excel would renumber as a text formula, formulas behind an apostrophe.
                try w.writeRow(cells.map { DatasetExportEndpoint.csvCell(.text($0)) } + [String(row.number), why.joined(separator: "; ")])
            }
            try w.finish()
            try handle.close()
            try FileManager.default.moveItem(at: partial, to: url)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }
}
