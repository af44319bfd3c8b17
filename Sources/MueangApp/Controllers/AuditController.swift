import Vapor
import Fluent
import ThaiConventions

/// The audit log, for the tenant's admins: filter by day range (typed the Thai way) and action.
enum AuditController {
    static func register(_ site: Site) {
        site.page(.GET, .audit, .requires(.viewAuditLog), page)
        site.api(.GET, .audit, .requires(.viewAuditLog), api)
    }

    struct Filter {
        var from: CalendarDay?
        var to: CalendarDay?
        var action: String?
        var offset = 0
        static let pageSize = 100

        /// Dates may be typed as 15/03/2566, 15 มี.ค. 2566, 2023-03-15 or with Thai digits.
        init(_ req: Request) throws {
            func day(_ key: String) throws -> CalendarDay? {
                guard let raw = try? req.query.get(String.self, at: key), !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                do { return try CalendarDay.parse(raw) } catch { throw AppError(.badRequest, th: error.message.th, en: error.message.en) }
            }
            from = try day("from")
            to = try day("to")
            action = (try? req.query.get(String.self, at: "action")).flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
            offset = try DatasetsAPIController.paging(req).offset
        }

        func apply(_ q: QueryBuilder<AuditEntry>) -> QueryBuilder<AuditEntry> {
            var q = q
            if let from { q = q.filter(\.$at >= BangkokTime.startOfDay(from)) }
            if let to { q = q.filter(\.$at < BangkokTime.startOfDay(to.adding(days: 1))) }
            if let action { q = q.filter(\.$action == action) }
            return q
        }
    }

    static func page(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        let filter = try Filter(req)
        let chrome = req.chrome(ctx)
        let total = try await filter.apply(ctx.scope.auditEntries()).count()
        let entries = try await filter.apply(ctx.scope.auditEntries()).sort(\.$at, .descending)
            .range(filter.offset..<(filter.offset + Filter.pageSize)).all()
        let rows = entries.html { e in
            """
            <tr><td>\(chrome.dateTime(e.at))</td><td>\(e.actor)</td><td>\(e.action)</td><td>\(e.objectType)\(e.personalData ? HTML(raw: " <span class=\"badge\">PDPA</span>") : .empty)</td>
            <td>\(e.summary)</td><td>\(e.ip)</td></tr>
            """
        }
        let fromText = filter.from?.formatted(chrome.lang == .th ? .thaiShort : .english) ?? ""
        let toText = filter.to?.formatted(chrome.lang == .th ? .thaiShort : .english) ?? ""
        let next = filter.offset + Filter.pageSize < total
        let body: HTML = """
        <h1>\(chrome.t("บันทึกการใช้งาน", "Audit log"))</h1>
        <form method="get" class="row card" id="audit-filter">
          <label>\(chrome.t("ตั้งแต่วันที่", "From"))<input name="from" placeholder="15/03/2569" value="\(fromText)"></label>
          <label>\(chrome.t("ถึงวันที่", "To"))<input name="to" placeholder="15 มี.ค. 2569" value="\(toText)"></label>
          <label>\(chrome.t("การกระทำ", "Action"))<select name="action"><option value="">\(chrome.t("ทั้งหมด", "All"))</option>
          \(["login", "login-failed", "logout", "create", "update", "delete", "read"].html { a in "<option\(a == filter.action ? HTML(raw: " selected") : .empty)>\(a)</option>" })</select></label>
          <button type="submit">\(chrome.t("กรอง", "Filter"))</button>
        </form>
        <p class="muted">\(chrome.t("ทั้งหมด", "Total")) \(total) \(chrome.t("รายการ", "entries"))</p>
        <div class="table-wrap"><table id="audit-table"><thead><tr><th>\(chrome.t("เวลา", "Time"))</th><th>\(chrome.t("ผู้กระทำ", "Who"))</th><th>\(chrome.t("การกระทำ", "Action"))</th><th>\(chrome.t("สิ่งที่เกี่ยวข้อง", "Object"))</th><th>\(chrome.t("รายละเอียด", "Details"))</th><th>IP</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        \(next ? "<p><a href=\"?offset=\(filter.offset + Filter.pageSize)&amp;from=\(fromText)&amp;to=\(toText)&amp;action=\(filter.action)\">\(chrome.t("ถัดไป →", "Next →"))</a></p>" as HTML : .empty)
        """
        return htmlResponse(Layout.render(chrome, title: chrome.t("บันทึกการใช้งาน", "Audit log"), body))
    }

    static func api(_ req: Request, _ ctx: TenantContext) async throws -> Response {
        struct Item: Content { let at: Date; let actor: String; let action: String; let objectType: String; let objectID: String?; let summary: String; let personalData: Bool; let ip: String? }
        let filter = try Filter(req)
        let total = try await filter.apply(ctx.scope.auditEntries()).count()
        let items = try await filter.apply(ctx.scope.auditEntries()).sort(\.$at, .descending)
            .range(filter.offset..<(filter.offset + Filter.pageSize)).all()
            .map { Item(at: $0.at, actor: $0.actor, action: $0.action, objectType: $0.objectType, objectID: $0.objectID, summary: $0.summary, personalData: $0.personalData, ip: $0.ip) }
        return try await ListBody(items: items, total: total).encodeResponse(for: req)
    }
}

extension BangkokTime {
    /// Midnight in Thailand at the start of `day`, as an instant.
    static func startOfDay(_ day: CalendarDay) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSince1970 * 86_400 - utcOffsetSeconds))
    }
}
