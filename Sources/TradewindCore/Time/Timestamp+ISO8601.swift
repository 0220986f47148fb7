/// Calendar arithmetic for UTC timestamps without Foundation, so pure modules can
/// print and parse dates. Uses the proleptic Gregorian calendar.
extension Timestamp {
    /// The UTC calendar fields of this instant.
    public var utcComponents: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int) {
        let ns = nanosecondsSinceEpoch
        var days = ns / 86_400_000_000_000
        var nanosOfDay = ns % 86_400_000_000_000
        if nanosOfDay < 0 {
            nanosOfDay += 86_400_000_000_000
            days -= 1
        }
        let (y, m, d) = Timestamp.civilFromDays(days)
        let seconds = Int(nanosOfDay / 1_000_000_000)
        return (y, m, d, seconds / 3600, (seconds / 60) % 60, seconds % 60, Int(nanosOfDay % 1_000_000_000))
    }

    /// Midnight UTC of the same day.
    public var startOfUTCDay: Timestamp {
        let day: Int64 = 86_400_000_000_000
        var days = nanosecondsSinceEpoch / day
        if nanosecondsSinceEpoch % day < 0 { days -= 1 }
        return Timestamp(nanosecondsSinceEpoch: days * day)
    }

    /// ISO-8601 in UTC with a `Z` suffix; fractional seconds only when present, without
    /// trailing zeros.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(30)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601`` as UTF-8 without building a string (reports write millions).
    public func appendISO8601(to bytes: inout [UInt8]) {
        let c = utcComponents
        @inline(__always) func two(_ value: Int) {
            bytes.append(48 &+ UInt8(truncatingIfNeeded: value / 10))
            bytes.append(48 &+ UInt8(truncatingIfNeeded: value % 10))
        }
        if (0...9999).contains(c.year) {
            two(c.year / 100)
            two(c.year % 100)
        } else {
            bytes.append(contentsOf: String(c.year).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        two(c.month)
        bytes.append(UInt8(ascii: "-"))
        two(c.day)
        bytes.append(UInt8(ascii: "T"))
        two(c.hour)
        bytes.append(UInt8(ascii: ":"))
        two(c.minute)
        bytes.append(UInt8(ascii: ":"))
        two(c.second)
        FixedPoint.appendTrimmedFraction(UInt64(c.nanosecond), digits: 9, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Builds a UTC timestamp from calendar fields; `nil` for an impossible date.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0..<1_000_000_000).contains(nanosecond)
        else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(nanosecondsSinceEpoch: seconds * 1_000_000_000 + Int64(nanosecond))
    }

    /// Parses ISO-8601: `YYYY-MM-DD`, optionally followed by `T` or a space and
    /// `hh:mm[:ss[.fraction]]`, then `Z`, `±hh:mm`, `±hhmm` or nothing (read as UTC).
    public init?(iso8601 text: String) {
        self.init(iso8601UTF8: Array(text.utf8)[...])
    }

    /// Byte-level variant of ``init(iso8601:)``.
    public init?(iso8601UTF8 bytes: ArraySlice<UInt8>) {
        guard let parsed = bytes.withUnsafeBufferPointer({ Timestamp(iso8601UTF8: $0) }) else { return nil }
        self = parsed
    }

    /// Byte-level variant of ``init(iso8601:)`` used by the CSV reader. Takes a concrete buffer
    /// (not a generic collection) so callers in other modules get the specialised parser;
    /// readers hand over pieces of the file buffer without copying or reference counting.
    public init?(iso8601UTF8 b: UnsafeBufferPointer<UInt8>) {
        var i = b.startIndex
        let end = b.endIndex
        func number(_ width: Int) -> Int? {
            guard end - i >= width else { return nil }
            var value = 0
            for k in i..<(i + width) {
                let byte = b[k]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            i += width
            return value
        }
        func expect(_ ascii: UInt8) -> Bool {
            guard i < end, b[i] == ascii else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0, nanos = 0, offsetSeconds = 0
        if i < end && (b[i] == 84 || b[i] == 32) {  // 'T' or ' '
            i += 1
            guard let h = number(2), expect(58), let m = number(2) else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let s = number(2) else { return nil }
                second = s
                if expect(46) {  // '.'
                    var digits = 0
                    while i < end, b[i] >= 48, b[i] <= 57 {
                        if digits < 9 { nanos = nanos * 10 + Int(b[i] - 48) }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    if digits < 9 { for _ in digits..<9 { nanos *= 10 } }
                }
            }
            if i < end {
                if b[i] == 90 {  // 'Z'
                    i += 1
                } else if b[i] == 43 || b[i] == 45 {  // '+' '-'
                    let sign = b[i] == 43 ? 1 : -1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    _ = expect(58)
                    guard let om = number(2) else { return nil }
                    offsetSeconds = sign * (oh * 3600 + om * 60)
                }
            }
        }
        guard i == end,
              let local = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second, nanosecond: nanos)
        else { return nil }
        self.init(nanosecondsSinceEpoch: local.nanosecondsSinceEpoch - Int64(offsetSeconds) * 1_000_000_000)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// Day of week, 0 = Monday … 6 = Sunday.
    public var weekday: Int {
        let days = Int(startOfUTCDay.nanosecondsSinceEpoch / 86_400_000_000_000)
        return ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday
    }
}
