import Foundation
import SignboardTax

// The whole `signtax assess` contract as a function: bytes in, bytes and an exit status out.
// The command only adds files and standard streams, so tests exercise exactly what callers get.

/// Options of `mueang signtax assess`.
public struct AssessOptions: Sendable {
    public var taxYear: TaxYear
    public var asOf: CivilDate?
    public var policy: AssessmentPolicy
    public var rates: RateTable

    public init(taxYear: TaxYear, asOf: CivilDate? = nil, policy: AssessmentPolicy = .standard,
                rates: RateTable = .thailand) {
        self.taxYear = taxYear
        self.asOf = asOf
        self.policy = policy
        self.rates = rates
    }
}

/// What a run produced.
public struct AssessResult: Sendable {
    /// Standard output: the JSON array of results (empty when the input was not an array).
    public var output: Data
    /// 0 every element assessed; 1 some element in error; 2 input not a JSON array (or no
    /// regulation covers the tax year).
    public var exitStatus: Int32
    /// For standard error.
    public var message: String?
}

public enum SignTaxAssess {
    /// Assesses every element of the JSON array in `input`.
    public static func run(input: Data, options: AssessOptions) -> AssessResult {
        guard let assessor = Assessor(taxYear: options.taxYear, rates: options.rates, policy: options.policy,
                                      asOf: options.asOf) else {
            return AssessResult(output: Data(), exitStatus: 2,
                                message: "no signboard tax rates cover tax year \(options.taxYear.ce) (BE \(options.taxYear.be))")
        }
        var writer = JSONWriter(capacity: input.count + input.count / 2)
        var failures = 0
        var count = 0
        let outcome: Result<Bool, any Error> = input.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var reader = JSONReader(bytes)
            reader.skipByteOrderMark()
            return Result {
                writer.raw("[")
                let isArray = try reader.forEachElement { element in
                    writer.raw(count == 0 ? "\n" : ",\n")
                    count += 1
                    if !assessElement(element, assessor: assessor, into: &writer) { failures += 1 }
                }
                reader.skipWhitespace()
                if isArray && !reader.isAtEnd { throw reader.error("trailing characters after the array") }
                return isArray
            }
        }
        switch outcome {
        case .success(true):
            writer.raw(count == 0 ? "]\n" : "\n]\n")
            return AssessResult(output: Data(writer.bytes), exitStatus: failures == 0 ? 0 : 1, message: nil)
        case .success(false):
            return AssessResult(output: Data(), exitStatus: 2, message: "input is not a JSON array")
        case let .failure(error):
            return AssessResult(output: Data(), exitStatus: 2, message: "input is not a JSON array: \(error)")
        }
    }

    /// Writes the assessment or the error of one element; false for an error.
    static func assessElement(_ element: JSONValue, assessor: Assessor, into writer: inout JSONWriter) -> Bool {
        guard let record = SignRecord(element) else {
            writeError(id: .null, .notAnObject, into: &writer)
            return false
        }
        do {
            let assessment = try assessor.assess(try record.sign())
            writeAssessment(id: record.id, assessment, into: &writer)
            return true
        } catch {
            writeError(id: record.id, error, into: &writer)
            return false
        }
    }

    static func writeAssessment(id: JSONValue, _ a: Assessment, into w: inout JSONWriter) {
        w.raw("{\"id\": "); w.value(id)
        w.raw(", \"area_cm2\": ")
        if a.area.scaled % SignArea.scale == 0 { w.integer(a.area.scaled / SignArea.scale) } else { w.raw(a.area.description) }
        w.raw(", \"units\": "); w.integer(a.units)
        // Rates and annual tax are whole baht under every regulation so far: shown as integers.
        w.raw(", \"rate\": "); w.compactMoney(a.rate.value)
        w.raw(", \"annual_tax\": "); w.compactMoney(a.annualTax.value)
        w.raw(", \"quarters\": "); w.integer(a.quarters)
        w.raw(", \"tax\": "); w.hundredths(a.tax.value)
        w.raw(", \"exempt\": "); w.bool(a.isExempt)
        w.raw(", \"exemption\": ")
        if let exemption = a.exemption { w.string(exemption.rawValue) } else { w.raw("null") }
        w.raw(", \"surcharge_not_filed\": "); w.hundredths(a.surchargeNotFiled.value)
        w.raw(", \"surcharge_underdeclared\": "); w.hundredths(a.surchargeUnderdeclared.value)
        w.raw(", \"late_months\": "); w.integer(a.lateMonths)
        w.raw(", \"surcharge_late\": "); w.hundredths(a.surchargeLate.value)
        w.raw(", \"total\": "); w.hundredths(a.total.value)
        w.raw("}")
    }

    static func writeError(id: JSONValue, _ error: SignError, into w: inout JSONWriter) {
        w.raw("{\"id\": "); w.value(id)
        w.raw(", \"error\": {\"th\": "); w.string(error.th)
        w.raw(", \"en\": "); w.string(error.en)
        w.raw("}}")
    }

    /// The floor for this interface: parse the same array and write every element back, with no
    /// assessment. Used by the benchmark.
    public static func roundtrip(input: Data) -> AssessResult {
        var writer = JSONWriter(capacity: input.count + input.count / 2)
        var count = 0
        let outcome: Result<Bool, any Error> = input.withUnsafeBytes { raw in
            var reader = JSONReader(raw.bindMemory(to: UInt8.self))
            reader.skipByteOrderMark()
            return Result {
                writer.raw("[")
                let isArray = try reader.forEachElement { element in
                    writer.raw(count == 0 ? "\n" : ",\n")
                    count += 1
                    writer.value(element)
                }
                reader.skipWhitespace()
                if isArray && !reader.isAtEnd { throw reader.error("trailing characters after the array") }
                return isArray
            }
        }
        guard case .success(true) = outcome else {
            return AssessResult(output: Data(), exitStatus: 2, message: "input is not a JSON array")
        }
        writer.raw(count == 0 ? "]\n" : "\n]\n")
        return AssessResult(output: Data(writer.bytes), exitStatus: 0, message: nil)
    }
}
