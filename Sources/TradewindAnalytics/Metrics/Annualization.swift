public import TradewindCore
public import TradewindMarketData

/// How many return periods make a year, from the spacing of the timestamps and the
/// instrument's calendar: daily bars are 252 a year on an exchange calendar and 365 on a 24/7
/// one; weekly 52; monthly 12; intraday bars scale the daily figure by the typical (median)
/// number of bars in a day, so a 6.5-hour session of 1-minute bars is 252 × 390.
public enum Annualization {
    /// - Parameter calendar: `nil` detects it from the times (``TradingCalendar/detect(_:)``);
    ///   XNYS and weekdays both count 252 days.
    /// - Returns: `nil` when fewer than two distinct times leave the spacing unknown.
    public static func periodsPerYear(times: [Timestamp], calendar: TradingCalendar? = nil) -> Double? {
        let days = (calendar ?? TradingCalendar.detect(times)).daysPerYear
        switch BarInterval.detect(times) {
        case .months(let count):
            return 12 / Double(count)
        case .fixed(let span) where span.nanoseconds >= TimeSpan.days(7).nanoseconds:
            return 52 * 7 * 86_400e9 / Double(span.nanoseconds)
        case .fixed(let span) where span.nanoseconds >= TimeSpan.days(1).nanoseconds:
            return days * 86_400e9 / Double(span.nanoseconds)
        case .fixed:
            // Bars of one day are usually consecutive: count runs, then merge them by day.
            var perDay: [Int64: Int] = [:]
            var runDay = Int64.min
            var run = 0
            for time in times {
                let day = time.startOfUTCDay.nanosecondsSinceEpoch
                if day == runDay {
                    run += 1
                } else {
                    if run > 0 { perDay[runDay, default: 0] += run }
                    (runDay, run) = (day, 1)
                }
            }
            if run > 0 { perDay[runDay, default: 0] += run }
            let counts = perDay.values.sorted()
            return days * Double(counts[counts.count / 2])
        case nil:
            return nil
        }
    }

    /// Periods per year of a run over these series: spaced as the first, on the calendar given,
    /// else 24×7 when any series trades on weekends, else weekdays.
    public static func periodsPerYear(series: [BarSeries], calendar: TradingCalendar? = nil) -> Double? {
        let chosen = calendar ?? (series.contains { TradingCalendar.detect($0.bars.lazy.map(\.openTime)) == .always } ? .always : .weekdays)
        return series.first.flatMap { periodsPerYear(times: $0.bars.map(\.openTime), calendar: chosen) }
    }
}
