import Foundation
import Vapor

/// A path parameter: a concrete id when printing a link, the `:id` pattern when registering.
public enum RouteID: Sendable, Equatable {
    case id(UUID)
    case pattern

    var segment: String {
        switch self {
        case .id(let id): id.uuidString.lowercased()
        case .pattern: ":id"
        }
    }
}

/// A dataset's slug in a path: a value when printing a link, `:dataset` when registering.
public enum RouteSlug: Sendable, Equatable {
    case slug(String)
    case pattern

    var segment: String {
        switch self {
        case .slug(let s): s
        case .pattern: ":dataset"
        }
    }
}

/// The URL space of the site, one description used both to register routes and to print links.
public enum SiteURL: Sendable, Equatable {
    case home
    case operatorLogin
    case logout
    case language
    case healthz
    case metrics
    case asset(String)
    case tenant(String, TenantPage)
    case api(APIRoute)

    /// Pages under `/t/{slug}/`.
    public enum TenantPage: Sendable, Equatable {
        case home, login, logout
        case divisions, division(RouteID), divisionDelete(RouteID)
        case villages, village(RouteID), villageDelete(RouteID)
        case users, user(RouteID), userDeactivate(RouteID)
        case settings, logo
        case audit
        case tokens, tokenRevoke(RouteID)
        case datasets, newDataset, dataset(RouteSlug), datasetRecords(RouteSlug)
        case record(RouteSlug, RouteID), recordDelete(RouteSlug, RouteID), recordRestore(RouteSlug, RouteID)
        case datasetTrash(RouteSlug), trashRestore(RouteSlug, RouteID), trashPurge(RouteSlug, RouteID), datasetDetails(RouteSlug)
        case datasetImport(RouteSlug), importPreview(RouteSlug), job(RouteID), jobRejects(RouteID)
        case datasetRestore(RouteSlug), datasetExport(RouteSlug)
        case recovery, recoveryUpload, recoveryMatch, recoveryWrite
        case datasetFields(RouteSlug)
        case file(RouteID)

        var segments: [String] {
            switch self {
            case .home: []
            case .login: ["login"]
            case .logout: ["logout"]
            case .divisions: ["divisions"]
            case .division(let id): ["divisions", id.segment]
            case .divisionDelete(let id): ["divisions", id.segment, "delete"]
            case .villages: ["villages"]
            case .village(let id): ["villages", id.segment]
            case .villageDelete(let id): ["villages", id.segment, "delete"]
            case .users: ["users"]
            case .user(let id): ["users", id.segment]
            case .userDeactivate(let id): ["users", id.segment, "deactivate"]
            case .settings: ["settings"]
            case .logo: ["logo"]
            case .audit: ["audit"]
            case .tokens: ["tokens"]
            case .tokenRevoke(let id): ["tokens", id.segment, "revoke"]
            case .datasets: ["datasets"]
            case .newDataset: ["datasets", "new"]
            case .dataset(let d): ["datasets", d.segment]
            case .datasetRecords(let d): ["datasets", d.segment, "records"]
            case .record(let d, let id): ["datasets", d.segment, "records", id.segment]
            case .recordDelete(let d, let id): ["datasets", d.segment, "records", id.segment, "delete"]
            case .recordRestore(let d, let id): ["datasets", d.segment, "records", id.segment, "restore"]
            case .datasetTrash(let d): ["datasets", d.segment, "trash"]
            case .trashRestore(let d, let id): ["datasets", d.segment, "trash", id.segment, "restore"]
            case .trashPurge(let d, let id): ["datasets", d.segment, "trash", id.segment, "purge"]
            case .datasetDetails(let d): ["datasets", d.segment, "details"]
            case .datasetImport(let d): ["datasets", d.segment, "import"]
            case .importPreview(let d): ["datasets", d.segment, "import", "preview"]
            case .job(let id): ["jobs", id.segment]
            case .jobRejects(let id): ["jobs", id.segment, "rejects.csv"]
            case .datasetRestore(let d): ["datasets", d.segment, "restore"]
            case .datasetExport(let d): ["datasets", d.segment, "export"]
            case .datasetFields(let d): ["datasets", d.segment, "fields"]
            case .file(let id): ["files", id.segment]
            case .recovery: ["recovery"]
            case .recoveryUpload: ["recovery", "upload"]
            case .recoveryMatch: ["recovery", "match"]
            case .recoveryWrite: ["recovery", "write"]
            }
        }
    }

    /// JSON API under `/api/v1/`.
    public enum APIRoute: Sendable, Equatable {
        case me
        case tenants
        case openAPI
        case tenant(String, TenantResource)

        public enum TenantResource: Sendable, Equatable {
            case info, divisions, villages, users, audit
            case datasets, dataset(RouteSlug)
            case records(RouteSlug), record(RouteSlug, RouteID), recordHistory(RouteSlug, RouteID), recordRestore(RouteSlug, RouteID)
            case trash(RouteSlug), trashRestore(RouteSlug, RouteID)
            case importFile(RouteSlug), export(RouteSlug), restoreDataset(RouteSlug)
            case job(RouteID)
            case aggregate(RouteSlug), trashItem(RouteSlug, RouteID), fields(RouteSlug), recovery

            var segments: [String] {
                switch self {
                case .info: []
                case .divisions: ["divisions"]
                case .villages: ["villages"]
                case .users: ["users"]
                case .audit: ["audit"]
                case .datasets: ["datasets"]
                case .dataset(let d): ["datasets", d.segment]
                case .records(let d): ["datasets", d.segment, "records"]
                case .record(let d, let id): ["datasets", d.segment, "records", id.segment]
                case .recordHistory(let d, let id): ["datasets", d.segment, "records", id.segment, "history"]
                case .recordRestore(let d, let id): ["datasets", d.segment, "records", id.segment, "restore"]
                case .trash(let d): ["datasets", d.segment, "trash"]
                case .trashRestore(let d, let id): ["datasets", d.segment, "trash", id.segment, "restore"]
                case .importFile(let d): ["datasets", d.segment, "import"]
                case .export(let d): ["datasets", d.segment, "export"]
                case .restoreDataset(let d): ["datasets", d.segment, "restore"]
                case .job(let id): ["jobs", id.segment]
                case .aggregate(let d): ["datasets", d.segment, "aggregate"]
                case .trashItem(let d, let id): ["datasets", d.segment, "trash", id.segment]
                case .fields(let d): ["datasets", d.segment, "fields"]
                case .recovery: ["recovery"]
                }
            }
        }

        var segments: [String] {
            switch self {
            case .me: ["me"]
            case .tenants: ["tenants"]
            case .openAPI: ["openapi.json"]
            case .tenant(let slug, let r): ["t", slug] + r.segments
            }
        }
    }

    public var segments: [String] {
        switch self {
        case .home: []
        case .operatorLogin: ["login"]
        case .logout: ["logout"]
        case .language: ["lang"]
        case .healthz: ["healthz"]
        case .metrics: ["metrics"]
        case .asset(let file): ["static"] + file.split(separator: "/").map(String.init)
        case .tenant(let slug, let page): ["t", slug] + page.segments
        case .api(let r): ["api", "v1"] + r.segments
        }
    }

    /// The path to put in a link, percent-encoded.
    public var path: String {
        "/" + segments.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? $0 }
            .joined(separator: "/")
    }

    /// The pattern to register: `:tenant` stands for the slug.
    var pathComponents: [PathComponent] {
        segments.map { PathComponent(stringLiteral: $0) }
    }

    static func tenantPattern(_ page: TenantPage) -> SiteURL { .tenant(":tenant", page) }
    static func apiPattern(_ r: APIRoute.TenantResource) -> SiteURL { .api(.tenant(":tenant", r)) }
}

extension SiteURL {
    var isAPI: Bool { if case .api = self { true } else { false } }
}
