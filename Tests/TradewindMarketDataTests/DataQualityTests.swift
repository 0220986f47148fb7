import Testing
import TradewindCore
import TradewindMarketData
import TradewindTesting

@Suite("Data-quality gate and trading calendars")
struct DataQualityTests {
    static func day(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    @Test("XNYS closes on the 2024 holidays and trades the days around them")
    func nyse2024() {
        let holidays = ["2024-01-01", "2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19", "2024-07-04",
                        "2024-09-02", "2024-11-28", "2024-12-25"]
        for holiday in holidays { #expect(!TradingCalendar.xnys.isTradingDay(Self.day(holiday)), "\(holiday)") }
        for open in ["2024-01-02", "2024-03-28", "2024-07-05", "2024-11-29", "2024-12-24"] {
            #expect(TradingCalendar.xnys.isTradingDay(Self.day(open)), "\(open)")
        }
        #expect(!TradingCalendar.xnys.isTradingDay(Self.day("2024-01-06")))  // a Saturday
    }

    @Test("weekend holidays are observed on Friday or Monday; New Year's Day on a Saturday is not moved")
    func observance() {
        #expect(!TradingCalendar.xnys.isTradingDay(Self.day("2021-07-05")))   // July 4 was a Sunday
        #expect(!TradingCalendar.xnys.isTradingDay(Self.day("2021-12-24")))   // Christmas was a Saturday
        #expect(TradingCalendar.xnys.isTradingDay(Self.day("2021-12-31")))    // New Year 2022 was a Saturday
        #expect(TradingCalendar.xnys.isTradingDay(Self.day("2021-06-18")))    // Juneteenth starts in 2022
        #expect(!TradingCalendar.xnys.isTradingDay(Self.day("2012-10-29")))   // Hurricane Sandy
        #expect(TradingCalendar.weekdays.isTradingDay(Self.day("2024-12-25")))
        #expect(TradingCalendar.always.isTradingDay(Self.day("2024-12-28")))
    }

    static func dailyBars(_ days: [String]) -> [Bar] {
        days.map { BarBuilder.daily($0, "100", "101", "99", "100.5") }
    }

    @Test("gaps count missing trading days; the calendar is detected when not given")
    func gaps() {
        // 2024-07-03 (Wed), 07-05 (Fri): July 4 is a holiday, not a gap, under the detected XNYS.
        let holidayOnly = DataQualityReport(bars: Self.dailyBars(["2024-07-02", "2024-07-03", "2024-07-05", "2024-07-08"]))
        #expect(holidayOnly.gaps.isEmpty)
        #expect(holidayOnly.calendar == .xnys && holidayOnly.calendarDetected)
        // 07-09 and 07-10 missing: no calendar explains them.
        let missing = DataQualityReport(bars: Self.dailyBars(["2024-07-03", "2024-07-05", "2024-07-08", "2024-07-11"]), interval: .fixed(.days(1)))
        #expect(missing.calendar == .weekdays)
        #expect(missing.missingBars == 3)  // July 4 counts too once no exchange calendar fits
        let given = DataQualityReport(bars: Self.dailyBars(["2024-07-03", "2024-07-05", "2024-07-08", "2024-07-11"]),
                                      interval: .fixed(.days(1)), calendar: .xnys)
        #expect(given.missingBars == 2 && given.gaps.count == 1 && !given.calendarDetected)
        #expect(!given.isClean && !given.hasErrors)
    }

    @Test("duplicates, bad prices, inconsistent bars and spikes are reported with their time")
    func problems() {
        var bars = (0..<200).map { i in
            let start = Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(i) * 60)
            return Bar(openTime: start, closeTime: start + .minutes(1), open: Price("100"), high: Price("101"), low: Price("99"),
                       close: Price(i % 2 == 0 ? "100.1" : "99.9"), volume: Quantity("10"))
        }
        bars[50].closeRaw = bars[50].closeRaw * 3  // a spike (and close above high)
        bars[50].highRaw = bars[50].closeRaw
        bars[80].lowRaw = bars[80].highRaw + 1      // high below low
        bars[120].openRaw = 0                        // non-positive
        bars.insert(bars[150], at: 151)              // duplicate
        let report = DataQualityReport(bars: bars, spikeDeviations: 6)
        #expect(report.count(.spike) == 2)           // up at 50, back down at 51
        #expect(report.count(.inconsistentBar) >= 1)
        #expect(report.count(.nonPositivePrice) == 1)
        #expect(report.count(.duplicate) == 1)
        #expect(report.hasErrors && !report.isClean)
        #expect(report.problems.first { $0.kind == .duplicate }?.time == bars[150].openTime)
    }
}
