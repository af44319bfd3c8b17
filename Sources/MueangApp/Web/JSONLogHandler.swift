import Logging
import Foundation

/// Writes one JSON object per line to standard error: time, level, message, label and metadata
/// (the request id among them), so logs can be searched and shipped as they are.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "ts": Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)) + "Z",
            "level": event.level.rawValue, "msg": event.message.description, "logger": label,
        ]
        for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[k] = "\(v)" }
        if let error = event.error { fields["error"] = "\(error)" }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        var out = data
        out.append(0x0A)
        // A log line that cannot be written (standard error on a full disk) is lost, not fatal:
        // FileHandle's non-throwing `write(_:)` traps.
        try? FileHandle.standardError.write(contentsOf: out)
    }
}
