/// Why an exact value could not be built.
public enum ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a plain decimal number (`NaN`, `1e5` and `""` are refused).
    case notADecimal(String)
    /// More fractional digits than ``FixedPoint/maxPrecision``.
    case precisionTooLarge(UInt8)
    /// The value does not fit the 64-bit raw representation at the requested precision.
    case overflow(String)
    /// Rescaling would drop non-zero digits (e.g. `1.25` at precision 1).
    case inexact(String, precision: UInt8)

    public var description: String {
        switch self {
        case .notADecimal(let text): "'\(text)' is not a decimal number"
        case .precisionTooLarge(let p): "precision \(p) exceeds the maximum of \(FixedPoint.maxPrecision)"
        case .overflow(let text): "'\(text)' is out of range"
        case .inexact(let text, let p): "'\(text)' has more than \(p) decimal places"
        }
    }
}

/// A decimal value stored as `raw × 10^-precision` in 64 bits.
///
/// `Price`, `Quantity` and `Rate` share this representation but are distinct
/// types, so a price can never be added to a quantity by accident.
///
/// | expression                  | result    | rule                                   |
/// |-----------------------------|-----------|----------------------------------------|
/// | `T + T`, `T - T`            | `T`       | exact, precision = max of both; traps on overflow |
/// | `T == T`, `T < T`           | `Bool`    | by value, across precisions            |
/// | `-T`                        | `T`       | exact                                  |
/// | `T.doubleValue`             | `Double`  | nearest double (for indicators only)   |
public protocol DecimalValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The scaled integer: `12.50` at precision 2 has raw `1250`.
    var raw: Int64 { get }
    /// Number of fractional decimal digits, `0...FixedPoint.maxPrecision`.
    var precision: UInt8 { get }
    /// Builds a value without checks; callers guarantee `precision <= maxPrecision`.
    init(uncheckedRaw raw: Int64, precision: UInt8)
}

extension DecimalValue {
    /// Builds a value from its raw integer and precision.
    /// - Throws: ``ValueError/precisionTooLarge(_:)``.
    public init(raw: Int64, precision: UInt8) throws(ValueError) {
        guard precision <= FixedPoint.maxPrecision else { throw .precisionTooLarge(precision) }
        self.init(uncheckedRaw: raw, precision: precision)
    }

    /// Parses decimal text exactly, keeping the precision written (`"1.50"` → precision 2).
    /// - Throws: ``ValueError/notADecimal(_:)`` for anything but a plain decimal.
    public init(parsing text: String) throws(ValueError) {
        guard let parsed = ParsedDecimal.parse(text) else { throw .notADecimal(text) }
        self.init(uncheckedRaw: parsed.mantissa, precision: parsed.scale)
    }

    /// Parses decimal text at a fixed precision.
    /// - Throws: ``ValueError/inexact(_:precision:)`` when the text has more digits.
    public init(parsing text: String, precision: UInt8) throws(ValueError) {
        guard precision <= FixedPoint.maxPrecision else { throw .precisionTooLarge(precision) }
        guard let parsed = ParsedDecimal.parse(text) else { throw .notADecimal(text) }
        guard let raw = parsed.raw(atPrecision: precision) else {
            if parsed.scale > precision { throw .inexact(text, precision: precision) }
            throw .overflow(text)
        }
        self.init(uncheckedRaw: raw, precision: precision)
    }

    /// A literal-friendly initializer for tests and constants; traps on bad text.
    ///
    ///     let price = Price("101.25")
    public init(_ text: String) {
        do { try self.init(parsing: text) } catch { preconditionFailure("invalid decimal literal: \(error)") }
    }

    /// Zero at the given precision.
    public static func zero(precision: UInt8 = 0) -> Self { Self(uncheckedRaw: 0, precision: precision) }

    /// The same value at a larger or equal precision; `nil` if it would overflow or,
    /// for a smaller precision, drop non-zero digits.
    public func rescaled(to newPrecision: UInt8) -> Self? {
        guard newPrecision <= FixedPoint.maxPrecision else { return nil }
        if newPrecision >= precision {
            guard let raw = FixedPoint.upscale(raw, from: precision, to: newPrecision) else { return nil }
            return Self(uncheckedRaw: raw, precision: newPrecision)
        }
        let divisor = FixedPoint.pow10(precision - newPrecision)
        guard raw % divisor == 0 else { return nil }
        return Self(uncheckedRaw: raw / divisor, precision: newPrecision)
    }

    /// The nearest `Double`. For indicators and statistics, never for accounting.
    @inlinable
    public var doubleValue: Double { Double(raw) / Double(FixedPoint.pow10(precision)) }

    public var isZero: Bool { raw == 0 }
    public var isPositive: Bool { raw > 0 }
    public var isNegative: Bool { raw < 0 }
    public var magnitude: Self { Self(uncheckedRaw: raw < 0 ? -raw : raw, precision: precision) }

    /// The raw value at scale 10^-18-independent common precision, for comparisons.
    @inlinable
    func wideRaw(at common: UInt8) -> Int128 {
        Int128(raw) * FixedPoint.pow10Wide(Int(common - precision))
    }

    public var description: String { FixedPoint.format(raw, precision: Int(precision)) }

    /// Appends ``description`` as UTF-8 without building a string (reports write many).
    public func appendDecimal(to bytes: inout [UInt8]) {
        FixedPoint.appendFormatted(raw, precision: Int(precision), to: &bytes)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        if lhs.precision == rhs.precision { return lhs.raw == rhs.raw }
        let common = max(lhs.precision, rhs.precision)
        return lhs.wideRaw(at: common) == rhs.wideRaw(at: common)
    }

    public func hash(into hasher: inout Hasher) {
        // Equal values at different precisions must hash alike: hash the normalised form.
        var raw = raw
        var precision = precision
        while precision > 0 && raw % 10 == 0 {
            raw /= 10
            precision -= 1
        }
        hasher.combine(raw)
        hasher.combine(precision)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.precision == rhs.precision { return lhs.raw < rhs.raw }
        let common = max(lhs.precision, rhs.precision)
        return lhs.wideRaw(at: common) < rhs.wideRaw(at: common)
    }

    @inlinable
    public static func + (lhs: Self, rhs: Self) -> Self {
        if lhs.precision == rhs.precision { return Self(uncheckedRaw: lhs.raw + rhs.raw, precision: lhs.precision) }
        let common = max(lhs.precision, rhs.precision)
        return Self(uncheckedRaw: lhs.rescaled(to: common)!.raw + rhs.rescaled(to: common)!.raw, precision: common)
    }

    @inlinable
    public static func - (lhs: Self, rhs: Self) -> Self { lhs + (-rhs) }

    @inlinable
    public static prefix func - (value: Self) -> Self { Self(uncheckedRaw: -value.raw, precision: value.precision) }

    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
}

/// A price in the quote currency of an instrument, at the instrument's price precision.
public struct Price: DecimalValue {
    public let raw: Int64
    public let precision: UInt8
    @inlinable
    public init(uncheckedRaw raw: Int64, precision: UInt8) {
        self.raw = raw
        self.precision = precision
    }
}

/// An amount of an instrument (shares, contracts, coins), at its size precision.
/// Order quantities are positive; a position's quantity is signed (negative = short).
public struct Quantity: DecimalValue {
    public let raw: Int64
    public let precision: UInt8
    @inlinable
    public init(uncheckedRaw raw: Int64, precision: UInt8) {
        self.raw = raw
        self.precision = precision
    }
}

/// A dimensionless decimal factor such as a commission rate (`0.001` = 10 bps).
public struct Rate: DecimalValue {
    public let raw: Int64
    public let precision: UInt8
    @inlinable
    public init(uncheckedRaw raw: Int64, precision: UInt8) {
        self.raw = raw
        self.precision = precision
    }
}
