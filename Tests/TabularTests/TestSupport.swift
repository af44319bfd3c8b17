import Foundation
import Testing
@testable import Tabular
import ThaiConventions

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// TIS-620 bytes of `text`, computed from the standard's layout (Thai U+0E01…U+0E5B sit at
/// 0xA1…0xFB, i.e. code point − 0x0D60), independently of the library's table.
func tis620Bytes(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { s in
        if s.value < 0x80 { return UInt8(s.value) }
        precondition((0x0E01...0x0E5B).contains(s.value), "not TIS-620: \(s)")
        return UInt8(s.value - 0x0D60)
    }
}

/// All rows of CSV bytes read with the given chunk size.
func readCSV(_ bytes: [UInt8], chunkSize: Int = 64 * 1024, options: CSVReader.Options = .init()) throws -> (rows: [CSVRow], reader: CSVReader) {
    var options = options
    options.chunkSize = chunkSize
    let reader = try CSVReader(data: Data(bytes), options: options)
    return (try reader.readAll(), reader)
}
