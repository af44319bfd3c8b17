import Foundation
@testable import Epidemiology
@testable import EpidemiologyCommand

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes a temporary file and returns its path.
    static func temp(_ text: String, suffix: String = ".csv") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("epi-test-\(UUID().uuidString)\(suffix)")
        try! text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// Relative closeness (both non-finite values must match exactly).
func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if !a.isFinite || !b.isFinite { return a == b }
    if b == 0 { return abs(a) <= tol }
    return abs(a - b) / abs(b) <= tol
}

/// Parses the CLI's tau CSV.
func parseTauCSV(_ text: String) -> (header: String, rows: [[String]]) {
    let lines = text.split(separator: "\n").map(String.init)
    return (lines[0], lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
}

func value(_ s: String) -> Double {
    switch s {
    case "Inf": return .infinity
    case "-Inf": return -.infinity
    case "NaN": return .nan
    default: return Double(s)!
    }
}

func readCSVColumns(_ path: String) -> [String: [String]] {
    let text = try! String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    var cols: [String: [String]] = [:]
    for line in lines.dropFirst() {
        for (k, f) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() { cols[header[k], default: []].append(String(f)) }
    }
    return cols
}

/// Seeded uniform doubles for test data.
struct TestRandom {
    var s: UInt64
    mutating func unit() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1p-53 }
    mutating func int(_ n: Int) -> Int { Int(unit() * Double(n)) }
}
