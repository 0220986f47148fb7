/// An exact amount of the account currency.
///
/// Stored as a 128-bit integer of 10^-12 units, so every product of a price and a
/// quantity (each up to 64 bits) is representable, and a fee of
/// `rate × price × quantity` is exact whenever the three precisions add up to 12
/// or fewer digits — `0.001 × 100.34 × 10` needs 5. Beyond 12 digits results are
/// rounded half to even, and that rounding is the only place accounting rounds.
/// Binary floating point never touches a `Money`.
///
/// | expression              | result  | rule                                      |
/// |-------------------------|---------|-------------------------------------------|
/// | `Money ± Money`         | `Money` | exact; traps on 128-bit overflow          |
/// | `Price × Quantity`      | `Money` | exact to 10^-12, else half-even            |
/// | `Money × Rate`          | `Money` | exact to 10^-12, else half-even            |
/// | `Money × Int`           | `Money` | exact                                     |
/// | `Money.prorated(a, of: b)` | `Money` | `self × a / b`, half-even at 10^-12      |
/// | `Money.doubleValue`     | `Double`| nearest double (statistics only)          |
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Fractional digits of the raw representation.
    public static let scale: Int = 12

    /// The amount in 10^-12 units.
    public var raw: Int128

    @inlinable
    public init(raw: Int128) { self.raw = raw }

    public static let zero = Money(raw: 0)

    /// Parses decimal text exactly (at most 12 fractional digits).
    /// - Throws: ``ValueError``.
    public init(parsing text: String) throws(ValueError) {
        guard let parsed = ParsedDecimal.parse(text) else { throw .notADecimal(text) }
        guard parsed.scale <= Money.scale else { throw .inexact(text, precision: UInt8(Money.scale)) }
        self.raw = Int128(parsed.mantissa) * FixedPoint.pow10Wide(Money.scale - Int(parsed.scale))
    }

    /// A literal-friendly initializer for tests and constants; traps on bad text.
    public init(_ text: String) {
        do { try self.init(parsing: text) } catch { preconditionFailure("invalid money literal: \(error)") }
    }

    /// Converts a decimal value (e.g. a `Price` read as a cash amount) exactly.
    public init<V: DecimalValue>(_ value: V) {
        precondition(Int(value.precision) <= Money.scale, "precision beyond money scale")
        self.raw = Int128(value.raw) * FixedPoint.pow10Wide(Money.scale - Int(value.precision))
    }

    @inlinable
    public var doubleValue: Double { unscaledDouble / 1e12 }

    /// `numerator / denominator` as a `Double`, with one division (the scales cancel).
    @inlinable
    public static func ratio(_ numerator: Money, _ denominator: Money) -> Double {
        numerator.unscaledDouble / denominator.unscaledDouble
    }

    /// The raw value as a `Double`, without the 10^-12 scale.
    @inlinable
    public var unscaledDouble: Double {
        // The generic Int128 → Double conversion is not specialised and costs ~100 ns; two halves
        // cost two instructions (the result may differ from correct rounding in the last ulp).
        let low = UInt64(truncatingIfNeeded: raw)
        let high = Int64(truncatingIfNeeded: raw &>> 64)
        return Double(high) * 18_446_744_073_709_551_616.0 + Double(low)
    }

    /// Rounded half-even to `digits` fractional digits, for display and reports.
    public func rounded(toPlaces digits: Int) -> Money {
        let dropped = Money.scale - digits
        return Money(raw: FixedPoint.roundHalfEven(raw, droppingDigits: dropped) * FixedPoint.pow10Wide(dropped))
    }

    /// All significant digits, without trailing zeros: `"1003.4"`.
    public var description: String {
        var bytes: [UInt8] = []
        appendDecimal(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``description`` as UTF-8 without building a string (reports write millions).
    public func appendDecimal(to bytes: inout [UInt8]) {
        let magnitude = raw.magnitude
        if raw < 0 { bytes.append(UInt8(ascii: "-")) }
        let unit: UInt64 = 1_000_000_000_000
        // Amounts below 2^64 units of 10^-12 (about 18 million) use 64-bit arithmetic; the
        // rest the 128-bit division.
        let whole: UInt128
        let fraction: UInt64
        if magnitude <= UInt128(UInt64.max) {
            let small = UInt64(truncatingIfNeeded: magnitude)
            whole = UInt128(small / unit)
            fraction = small % unit
        } else {
            whole = magnitude / UInt128(unit)
            fraction = UInt64(truncatingIfNeeded: magnitude % UInt128(unit))
        }
        if whole <= UInt128(UInt64.max) {
            FixedPoint.appendDigits(UInt64(truncatingIfNeeded: whole), to: &bytes)
        } else {
            bytes.append(contentsOf: String(whole).utf8)
        }
        FixedPoint.appendTrimmedFraction(fraction, digits: Money.scale, to: &bytes)
    }

    /// Exactly `digits` fractional digits after half-even rounding: `"1003.40"`.
    public func formatted(places digits: Int) -> String {
        FixedPoint.format(FixedPoint.roundHalfEven(raw, droppingDigits: Money.scale - digits), precision: digits)
    }

    /// `self × part / whole`, rounded half-even; used to take the cost of a partial close.
    public func prorated<Q: DecimalValue>(_ part: Q, of whole: Q) -> Money {
        let common = max(part.precision, whole.precision)
        return Money(raw: FixedPoint.divideHalfEven(raw * part.wideRaw(at: common), by: whole.wideRaw(at: common)))
    }

    @inlinable public static func + (lhs: Money, rhs: Money) -> Money { Money(raw: lhs.raw + rhs.raw) }
    @inlinable public static func - (lhs: Money, rhs: Money) -> Money { Money(raw: lhs.raw - rhs.raw) }
    @inlinable public static prefix func - (value: Money) -> Money { Money(raw: -value.raw) }
    @inlinable public static func += (lhs: inout Money, rhs: Money) { lhs.raw += rhs.raw }
    @inlinable public static func -= (lhs: inout Money, rhs: Money) { lhs.raw -= rhs.raw }
    @inlinable public static func < (lhs: Money, rhs: Money) -> Bool { lhs.raw < rhs.raw }
    public static func * (lhs: Money, rhs: Int) -> Money { Money(raw: lhs.raw * Int128(rhs)) }

    public var isNegative: Bool { raw < 0 }
    public var isZero: Bool { raw == 0 }
    @inlinable public var magnitude: Money { Money(raw: raw < 0 ? -raw : raw) }
}

/// Exact notional value: `price × quantity`.
@inlinable
public func * (price: Price, quantity: Quantity) -> Money {
    // Int64 × Int64 always fits in Int128: one widening multiply, no overflow check.
    let product = FixedPoint.fullProduct(price.raw, quantity.raw)
    let digits = Int(price.precision) + Int(quantity.precision)
    if digits <= Money.scale {
        // The usual case (a product that fits in 64 bits) scales with a second widening multiply.
        if let narrow = Int64(exactly: product) {
            return Money(raw: FixedPoint.fullProduct(narrow, FixedPoint.pow10(UInt8(Money.scale - digits))))
        }
        return Money(raw: product * FixedPoint.pow10Wide(Money.scale - digits))
    }
    return Money(raw: FixedPoint.roundHalfEven(product, droppingDigits: digits - Money.scale))
}

/// Exact fee or share of an amount: `money × rate`.
@inlinable
public func * (money: Money, rate: Rate) -> Money {
    Money(raw: FixedPoint.roundHalfEven(money.raw * Int128(rate.raw), droppingDigits: Int(rate.precision)))
}
