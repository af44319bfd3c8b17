// Signboard tax benchmark.
//   bench-signtax generate FILE [COUNT] [SEED]  write COUNT (1,000,000) signs, deterministic from SEED (2567)
//   bench-signtax time FILE [YEAR]              time assess against parse-and-reserialise, in this process
// run.sh times the real CLI (`mueang signtax assess` vs the hidden `mueang signtax roundtrip`).
import Foundation
import SignboardTax
import SignboardTaxCommand

/// SplitMix64: a tiny generator whose output depends only on the seed, on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func date(_ year: Int, _ random: inout SplitMix64) -> String {
    let month = Int.random(in: 1...12, using: &random)
    let day = Int.random(in: 1...CivilDate.daysIn(month: month, year: year), using: &random)
    return String(format: "%04d-%02d-%02d", year, month, day)
}

/// A mix like a municipal register: mostly plain signs, some new, some filed late, some in arrears.
func generate(count: Int, seed: UInt64, year: Int) -> String {
    var random = SplitMix64(state: seed)
    var out = "[\n"
    out.reserveCapacity(count * 200)
    for index in 0..<count {
        var fields = ["\"id\": \"HY-\(index)\""]
        if Int.random(in: 0..<10, using: &random) == 0 {
            fields.append("\"area_cm2\": \(Int.random(in: 100...200_000, using: &random))")
        } else {
            fields.append("\"width_cm\": \(Int.random(in: 10...1200, using: &random))")
            fields.append("\"height_cm\": \(Double(Int.random(in: 100...6000, using: &random)) / 10)")
        }
        fields.append("\"faces\": \(Int.random(in: 0..<4, using: &random) == 0 ? 2 : 1)")
        fields.append("\"type\": \"\(Int.random(in: 1...3, using: &random))\"")
        fields.append("\"moving\": \(Int.random(in: 0..<5, using: &random) == 0)")
        if Int.random(in: 0..<4, using: &random) == 0 { fields.append("\"installed_on\": \"\(date(year, &random))\"") }
        if Int.random(in: 0..<20, using: &random) == 0 {
            let codes = Exemption.allCases
            fields.append("\"exemption\": \"\(codes[Int.random(in: 0..<codes.count, using: &random)].rawValue)\"")
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: fields.append("\"filing\": {\"filed_on\": null, \"before_notice\": false}")
        case 1: fields.append("\"filing\": {\"filed_on\": \"\(date(year, &random))\", \"before_notice\": \(Bool.random(using: &random))}")
        default: break
        }
        if Bool.random(using: &random) {
            fields.append("\"declared_tax\": \(Int.random(in: 0...5000, using: &random))")
            fields.append("\"corrected_before_notice\": \(Bool.random(using: &random))")
        }
        if Bool.random(using: &random) {
            fields.append("\"notice_received_on\": \"\(year)-04-0\(Int.random(in: 1...9, using: &random))\"")
            if Bool.random(using: &random) { fields.append("\"paid_on\": \"\(date(year, &random))\"") }
        }
        out += "{" + fields.joined(separator: ", ") + (index == count - 1 ? "}\n" : "},\n")
    }
    return out + "]\n"
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: bench-signtax generate FILE [COUNT] [SEED] | time FILE [YEAR]")
    exit(2)
}
switch arguments[1] {
case "generate":
    let count = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
    let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 2567 : 2567
    let text = generate(count: count, seed: seed, year: 2024)
    try Data(text.utf8).write(to: URL(fileURLWithPath: arguments[2]))
    print("wrote \(count) signs (seed \(seed)) to \(arguments[2])")
case "time":
    let data = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
    let year = arguments.count > 3 ? Int(arguments[3]) ?? 2024 : 2024
    let options = AssessOptions(taxYear: TaxYear(year), asOf: CivilDate(year: year, month: 12, day: 31))
    var signs = 0
    var roundtripBytes = 0, assessBytes = 0
    // Alternate the two to even out cache and allocator warm-up; keep the best of three.
    var roundtrip = Double.infinity, assess = Double.infinity
    for _ in 0..<3 {
        roundtrip = min(roundtrip, seconds { roundtripBytes = SignTaxAssess.roundtrip(input: data).output.count })
        assess = min(assess, seconds {
            let result = SignTaxAssess.run(input: data, options: options)
            assessBytes = result.output.count
        })
    }
    signs = data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } - 2
    print(String(format: "signs: %d  input: %.1f MB", signs, Double(data.count) / 1e6))
    print(String(format: "parse + re-serialise: %.3f s  %.0f signs/s  (%.1f MB out)", roundtrip, Double(signs) / roundtrip, Double(roundtripBytes) / 1e6))
    print(String(format: "assess:               %.3f s  %.0f signs/s  (%.1f MB out)", assess, Double(signs) / assess, Double(assessBytes) / 1e6))
    print(String(format: "ratio assess / roundtrip: %.2fx", assess / roundtrip))
default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
