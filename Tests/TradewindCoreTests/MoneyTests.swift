import Testing
import TradewindCore

@Suite("Exact money arithmetic")
struct MoneyTests {
    @Test("decimal text round-trips with its precision")
    func parsingKeepsPrecision() throws {
        let price = try Price(parsing: "100.340")
        #expect(price.raw == 100_340)
        #expect(price.precision == 3)
        #expect(price.description == "100.340")
        #expect(try Price(parsing: "-0.05").description == "-0.05")
        #expect(try Quantity(parsing: ".5").description == "0.5")
    }

    @Test("non-decimal text is refused", arguments: ["", "abc", "1e5", "NaN", "inf", "1.2.3", "--1", "1,5", "."])
    func refusesNonDecimals(_ text: String) {
        #expect(throws: ValueError.notADecimal(text)) { try Price(parsing: text) }
    }

    @Test("a fixed precision refuses extra digits instead of rounding")
    func fixedPrecisionIsExact() throws {
        #expect(try Price(parsing: "1.50", precision: 1) == Price("1.5"))
        #expect(throws: ValueError.inexact("1.25", precision: 1)) { try Price(parsing: "1.25", precision: 1) }
    }

    @Test("values compare and hash by value across precisions")
    func crossPrecisionEquality() {
        #expect(Price("1.5") == Price("1.50"))
        #expect(Set([Price("1.5"), Price("1.500")]).count == 1)
        #expect(Price("1.49") < Price("1.5"))
        #expect(Price("1.5") + Price("0.25") == Price("1.75"))
        #expect((Price("1.5") + Price("0.25")).precision == 2)
    }

    @Test("0.1 + 0.2 is exactly 0.3, unlike Double")
    func noBinaryDrift() {
        var total = Money.zero
        for _ in 0..<10 { total += Money("0.1") }
        #expect(total == Money("1"))
        #expect(Money("0.1") + Money("0.2") == Money("0.3"))
    }

    @Test("price × quantity and fee are exact")
    func notionalAndFee() {
        let notional = Price("186.31") * Quantity("10")
        #expect(notional == Money("1863.1"))
        #expect(notional * Rate("0.001") == Money("1.8631"))
        // 8 + 6 = 14 fractional digits exceed Money's 12: the exact 0.00152345677626 rounds half-even.
        #expect((Price("0.00001234") * Quantity("123.456789")).description == "0.001523456776")
    }

    @Test("results beyond 12 decimals round half to even")
    func bankersRounding() {
        // 10^-12 × 0.5 → 0 (even), 3 × 10^-12 × 0.5 = 1.5e-12 → 2e-12 (even).
        #expect(Money("0.000000000001") * Rate("0.5") == Money.zero)
        #expect(Money("0.000000000003") * Rate("0.5") == Money("0.000000000002"))
        #expect(Money("-0.000000000003") * Rate("0.5") == Money("-0.000000000002"))
    }

    @Test("prorating a cost is exact for whole fractions and rounds otherwise")
    func prorate() {
        #expect(Money("100").prorated(Quantity("3"), of: Quantity("4")) == Money("75"))
        #expect(Money("100").prorated(Quantity("1"), of: Quantity("3")) == Money("33.333333333333"))
        #expect(Money("100").prorated(Quantity("3"), of: Quantity("3")) == Money("100"))
    }

    @Test("formatting rounds half to even at the requested places")
    func formatting() {
        #expect(Money("1003.4").formatted(places: 2) == "1003.40")
        #expect(Money("0.125").formatted(places: 2) == "0.12")
        #expect(Money("0.135").formatted(places: 2) == "0.14")
        #expect(Money("-2.5").formatted(places: 0) == "-2")
        #expect(Money("107430.08410").description == "107430.0841")
    }

    @Test("cost per unit gives a volume-weighted price")
    func perUnit() {
        let cost = Price("10.00") * Quantity("1") + Price("11.00") * Quantity("2")
        #expect(cost.perUnit(Quantity("3"), precision: 4) == Price("10.6667"))
    }
}

@Suite("Timestamps")
struct TimestampTests {
    @Test("ISO-8601 forms parse to UTC", arguments: [
        ("2004-08-19", "2004-08-19T00:00:00Z"),
        ("2004-08-19T13:45:10Z", "2004-08-19T13:45:10Z"),
        ("2004-08-19 13:45", "2004-08-19T13:45:00Z"),
        ("2004-08-19T13:45:10.5Z", "2004-08-19T13:45:10.5Z"),
        ("2004-08-19T15:45:10+02:00", "2004-08-19T13:45:10Z"),
        ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parses(_ text: String, _ expected: String) throws {
        let stamp = try #require(Timestamp(iso8601: text))
        #expect(stamp.iso8601 == expected)
    }

    @Test("impossible dates are refused", arguments: ["2001-02-29", "2004-13-01", "2004-08-19T24:00:00Z", "2004-8-19", "yesterday"])
    func refuses(_ text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("weekday of known dates")
    func weekday() {
        #expect(Timestamp(iso8601: "1970-01-01")!.weekday == 3)  // Thursday
        #expect(Timestamp(iso8601: "2024-06-08")!.weekday == 5)  // Saturday
    }
}
