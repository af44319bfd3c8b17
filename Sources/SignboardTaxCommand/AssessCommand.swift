import ArgumentParser
import Foundation
import SignboardTax

/// `mueang signtax assess --year YEAR [--as-of DATE] [--input FILE]`
public struct AssessCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess signboard tax for a JSON array of signs.",
        discussion: """
        Reads a JSON array of signs from FILE or standard input and writes a JSON array of \
        assessments, in the same order, to standard output. Exit status: 0 every sign assessed; \
        1 some element was malformed (its place holds {"id": ..., "error": {"th": ..., "en": ...}}); \
        2 the input is not a JSON array.


        """ + "Exemption codes: " + Exemption.allCases.map(\.rawValue).joined(separator: ", ") + ".")

    @Option(name: .long, help: "Tax year, CE or BE (a year above 2400 is BE).")
    var year: Int

    @Option(name: .customLong("as-of"), help: "Date (YYYY-MM-DD) to compute arrears to for unpaid signs.")
    var asOf: String?

    @Option(name: .long, help: "JSON file to read; standard input when omitted.")
    var input: String?

    public init() {}

    public func validate() throws {
        guard Assessor(taxYear: TaxYear(year)) != nil else {
            throw ValidationError("No signboard tax rates cover tax year \(year).")
        }
        if let asOf, CivilDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a date YYYY-MM-DD, not '\(asOf)'.")
        }
    }

    public func run() throws {
        let data = try readInput(input)
        let options = AssessOptions(taxYear: TaxYear(year), asOf: asOf.flatMap { CivilDate(iso: $0) })
        try finish(SignTaxAssess.run(input: data, options: options))
    }
}

/// Hidden: parse the input array and write it back unchanged. The benchmark's baseline.
struct RoundtripCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roundtrip",
        abstract: "Parse a JSON array and write it back (benchmark baseline).",
        shouldDisplay: false)

    @Option(name: .long, help: "JSON file to read; standard input when omitted.")
    var input: String?

    func run() throws {
        try finish(SignTaxAssess.roundtrip(input: try readInput(input)))
    }
}

/// The file's bytes or all of standard input; an unreadable file exits with status 2.
func readInput(_ path: String?) throws -> Data {
    do {
        if let path { return try Data(contentsOf: URL(fileURLWithPath: path)) }
        return FileHandle.standardInput.readDataToEndOfFile()
    } catch {
        FileHandle.standardError.write(Data("cannot read \(path ?? "standard input"): \(error.localizedDescription)\n".utf8))
        throw ExitCode(2)
    }
}

/// Writes the result to the standard streams and exits with its status.
func finish(_ result: AssessResult) throws {
    if !result.output.isEmpty { FileHandle.standardOutput.write(result.output) }
    if let message = result.message { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
}
