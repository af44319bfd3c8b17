// JSON number literals to fixed point without passing through Double: 120.1 cm must be exactly
// 12010 hundredths, and 0.1 + 0.2 must never decide whether a remainder is above 250 cm².

enum FixedPointResult: Equatable {
    case value(Int64)
    /// The literal has non-zero digits beyond the allowed decimals.
    case tooManyDecimals
    /// The value does not fit.
    case outOfRange
}

/// The number literal `text` times 10^`decimals`, exactly. `text` is a valid JSON number.
func fixedPoint(_ text: String, decimals: Int) -> FixedPointResult {
    // Fast path: a plain integer of up to 12 digits (most sizes) cannot overflow once scaled.
    var plain: Int64 = 0
    var digitCount = 0
    for byte in text.utf8 {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digitCount < 12 else { return generalFixedPoint(text, decimals: decimals) }
        plain = plain * 10 + Int64(byte - UInt8(ascii: "0"))
        digitCount += 1
    }
    if digitCount > 0, decimals <= 6 {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        return .value(plain * scale)
    }
    return generalFixedPoint(text, decimals: decimals)
}

private func generalFixedPoint(_ text: String, decimals: Int) -> FixedPointResult {
    var utf8 = Array(text.utf8)[...]
    var negative = false
    if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
    var digits: [UInt8] = []
    var pointIndex: Int? = nil
    var exponent = 0
    var index = utf8.startIndex
    while index < utf8.endIndex {
        let byte = utf8[index]
        if byte == UInt8(ascii: ".") {
            pointIndex = digits.count
        } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            // Exponent: small enough to matter or it is out of range anyway.
            var exponentText = String(decoding: utf8[(index + 1)...], as: UTF8.self)
            if exponentText.hasPrefix("+") { exponentText.removeFirst() }
            guard let value = Int(exponentText), abs(value) < 1000 else {
                return exponentText.hasPrefix("-") ? .tooManyDecimals : .outOfRange
            }
            exponent = value
            break
        } else {
            digits.append(byte - UInt8(ascii: "0"))
        }
        index += 1
    }
    // value = digits x 10^(exponent - fractionDigits); we want value x 10^decimals.
    let fractionDigits = digits.count - (pointIndex ?? digits.count)
    let shift = exponent - fractionDigits + decimals
    var kept = digits
    if shift < 0 {
        // Dropped digits must all be zero.
        let drop = -shift
        if drop >= kept.count {
            return kept.allSatisfy { $0 == 0 } ? .value(0) : .tooManyDecimals
        }
        guard kept.suffix(drop).allSatisfy({ $0 == 0 }) else { return .tooManyDecimals }
        kept.removeLast(drop)
    }
    var value: Int64 = 0
    for digit in kept {
        let (times10, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
        if o1 || o2 { return .outOfRange }
        value = sum
    }
    if shift > 0 {
        for _ in 0..<shift where value != 0 {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return .outOfRange }
            value = times10
        }
    }
    return .value(negative ? -value : value)
}
