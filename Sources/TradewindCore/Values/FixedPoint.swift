/// Shared arithmetic for Tradewind's decimal fixed-point values.
///
/// Every exact value is an integer `raw` scaled by `10^precision`. Keeping the
/// scale explicit (instead of a global one) lets a price carry the tick precision
/// of its instrument, so `100.34` prints as `100.34`, never `100.340000000`.
public enum FixedPoint {
    /// The largest decimal precision a `Price`, `Quantity` or `Rate` may carry.
    public static let maxPrecision: UInt8 = 18

    /// `10^n` for `n` in `0...18`. A switch, not a global table: a global costs a lazy-init
    /// check (`swift_once`) on every access in the per-bar path.
    @inlinable @inline(__always)
    public static func pow10(_ n: UInt8) -> Int64 {
        switch n {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1000
        case 4: 10000
        case 5: 100000
        case 6: 1000000
        case 7: 10000000
        case 8: 100000000
        case 9: 1000000000
        case 10: 10000000000
        case 11: 100000000000
        case 12: 1000000000000
        case 13: 10000000000000
        case 14: 100000000000000
        case 15: 1000000000000000
        case 16: 10000000000000000
        case 17: 100000000000000000
        case 18: 1000000000000000000
        default: pow10OutOfRange(n)
        }
    }

    /// Kept out of line so that ``pow10(_:)`` stays small enough to inline everywhere.
    @usableFromInline @inline(never)
    static func pow10OutOfRange(_ n: UInt8) -> Never { preconditionFailure("10^\(n) does not fit in Int64") }

    /// `a × b` exactly: the full 128-bit product of two 64-bit integers (never overflows).
    @inlinable @inline(__always)
    public static func fullProduct(_ a: Int64, _ b: Int64) -> Int128 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return Int128(high) &<< 64 | Int128(low)
    }

    /// `10^n` for `n` in `0...38` as `Int128`.
    @inlinable
    static func pow10Wide(_ n: Int) -> Int128 {
        if n <= 18 { return Int128(pow10(UInt8(n))) }
        let high = Int128(pow10(18))
        return n <= 36 ? high * Int128(pow10(UInt8(n - 18))) : high * high * Int128(pow10(UInt8(n - 36)))
    }

    /// Brings `raw` from scale `from` to the larger scale `to`; `nil` on overflow.
    @inlinable
    static func upscale(_ raw: Int64, from: UInt8, to: UInt8) -> Int64? {
        if from == to { return raw }
        let (value, overflow) = raw.multipliedReportingOverflow(by: pow10(to - from))
        return overflow ? nil : value
    }

    /// Divides `value` by `10^digits`, rounding half to even (banker's rounding), so
    /// that repeated rounding of fees and prorated costs has no systematic bias.
    @inlinable
    static func roundHalfEven(_ value: Int128, droppingDigits digits: Int) -> Int128 {
        if digits <= 0 { return value * pow10Wide(-digits) }
        return divideHalfEven(value, by: pow10Wide(digits))
    }

    /// Divides `numerator / denominator`, rounding half to even.
    @inlinable
    static func divideHalfEven(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator != 0, "division by zero")
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder == 0 { return quotient }
        let twice = remainder.magnitude * 2
        let half = denominator.magnitude
        let awayFromZero: Int128 = (numerator < 0) != (denominator < 0) ? -1 : 1
        if twice > half { return quotient + awayFromZero }
        if twice < half { return quotient }
        return quotient % 2 == 0 ? quotient : quotient + awayFromZero
    }

    /// Formats `raw / 10^precision` with exactly `precision` fractional digits.
    public static func format<T: BinaryInteger>(_ raw: T, precision: Int) -> String {
        let negative = raw < 0
        var digits = String(raw.magnitude)
        if precision > 0 {
            if digits.count <= precision {
                digits = String(repeating: "0", count: precision - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -precision))
        }
        return negative ? "-" + digits : digits
    }

    /// ``format(_:precision:)`` of a 64-bit raw value (every price and quantity) through
    /// ``appendFormatted(_:precision:to:)``: one buffer, digits by the constant 10, where the
    /// generic form builds and splices several strings. Journals, exports and logs format these
    /// by the million.
    public static func format(_ raw: Int64, precision: Int) -> String {
        // appendDigits pads to at most 24 digits; no 64-bit value has more than 18 decimals.
        guard precision >= 0 && precision <= 18 else { return format(Int128(raw), precision: precision) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(precision + 22)
        appendFormatted(raw, precision: precision, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``format(_:precision:)`` of a 64-bit raw value as UTF-8, without building a string.
    public static func appendFormatted(_ raw: Int64, precision: Int, to bytes: inout [UInt8]) {
        if raw < 0 { bytes.append(UInt8(ascii: "-")) }
        // At least one digit before the point: 5 at precision 2 is 0.05.
        appendDigits(raw.magnitude, minimumDigits: precision + 1, pointBefore: precision, to: &bytes)
    }

    /// Appends `.` and the fraction `value / 10^digits` without trailing zeros; nothing for 0.
    static func appendTrimmedFraction(_ value: UInt64, digits: Int, to bytes: inout [UInt8]) {
        guard value != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var fraction = value
        var width = digits
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        appendDigits(fraction, minimumDigits: width, pointBefore: 0, to: &bytes)
    }

    /// Appends `value` in decimal, zero-padded to `minimumDigits`, with a `.` before the last
    /// `pointBefore` digits (none for 0). Digits are taken from the right by dividing by the
    /// constant 10, which compiles to a multiplication; dividing by a variable power of ten costs
    /// an integer division per digit, and reports format millions of numbers.
    static func appendDigits(_ value: UInt64, minimumDigits: Int = 1, pointBefore: Int = 0, to bytes: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits and zero padding up to 24
        withUnsafeMutableBytes(of: &digits) { buffer in
            var count = 0
            var rest = value
            repeat {
                buffer[23 - count] = 48 &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count < min(minimumDigits, 24) {
                buffer[23 - count] = 48
                count += 1
            }
            let point = pointBefore > 0 ? 24 - pointBefore : -1
            for offset in (24 - count)..<24 {
                if offset == point { bytes.append(UInt8(ascii: ".")) }
                bytes.append(buffer[offset])
            }
        }
    }

}

/// A decimal number parsed from text without passing through binary floating point.
public struct ParsedDecimal: Hashable, Sendable {
    /// The digits as an integer: `"-12.50"` has mantissa `-1250`.
    public var mantissa: Int64
    /// Digits after the decimal point: `"-12.50"` has scale `2`.
    public var scale: UInt8

    public init(mantissa: Int64, scale: UInt8) {
        self.mantissa = mantissa
        self.scale = scale
    }

    /// Parses `[+-]digits[.digits]` (also `.5` and `5.`); exponents, `NaN` and `inf` are refused.
    ///
    /// - Returns: `nil` when the text is not a plain decimal, has more than 18
    ///   fractional digits, or does not fit in 64 bits.
    @inlinable
    public static func parse<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) -> ParsedDecimal? {
        var index = bytes.startIndex
        guard index != bytes.endIndex else { return nil }
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index = bytes.index(after: index)
        }
        var mantissa: Int64 = 0
        var scale: UInt8 = 0
        var sawDigit = false
        var sawPoint = false
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if sawPoint { return nil }
                sawPoint = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
                let (times10, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                mantissa = next
                if sawPoint {
                    scale += 1
                    if scale > FixedPoint.maxPrecision { return nil }
                }
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard sawDigit else { return nil }
        return ParsedDecimal(mantissa: negative ? -mantissa : mantissa, scale: scale)
    }

    /// Whether this value is below `other`, comparing values (not digits): `1.5 < 1.50` is false.
    public func isLess(than other: ParsedDecimal) -> Bool {
        if scale == other.scale { return mantissa < other.mantissa }
        let common = max(scale, other.scale)
        return Int128(mantissa) * Int128(FixedPoint.pow10(common - scale)) < Int128(other.mantissa) * Int128(FixedPoint.pow10(common - other.scale))
    }

    /// Parses a decimal string; see ``parse(utf8:)``.
    public static func parse(_ text: String) -> ParsedDecimal? {
        parse(utf8: Array(text.utf8))
    }

    /// The mantissa rescaled to `precision` digits, or `nil` if that would lose
    /// digits or overflow.
    @inlinable
    public func raw(atPrecision precision: UInt8) -> Int64? {
        if precision >= scale { return FixedPoint.upscale(mantissa, from: scale, to: precision) }
        let divisor = FixedPoint.pow10(scale - precision)
        guard mantissa % divisor == 0 else { return nil }
        return mantissa / divisor
    }
}
