/// A message in Thai and English: the project's one type for text shown to people.
///
/// Thai comes first everywhere (PRODUCT.md §4), English second. Encodes as `{"th": …, "en": …}`.
public struct LocalizedMessage: Sendable, Codable, Hashable, CustomStringConvertible {
    public let th: String
    public let en: String

    public init(th: String, en: String) {
        self.th = th
        self.en = en
    }

    /// The two languages every message exists in.
    public enum Language: String, Sendable, Codable, CaseIterable {
        case th, en
    }

    /// The message in one language.
    public func text(in language: Language) -> String {
        switch language {
        case .th: th
        case .en: en
        }
    }

    /// Both languages, Thai first; meant for logs, not for people.
    public var description: String { "\(th) / \(en)" }
}

/// An error that can explain itself to a person in Thai and English.
///
/// The web app turns any `BilingualError` into a response body with `message`.
public protocol BilingualError: Error, Sendable {
    var message: LocalizedMessage { get }
}
