public import TradewindCore

/// Which days an exchange trades, so that weekends and holidays are not mistaken for gaps.
///
/// `XNYS` (New York Stock Exchange) applies the exchange's standing holiday rules: New Year's
/// Day, Martin Luther King Jr. Day (from 1998), Washington's Birthday, Good Friday, Memorial
/// Day, Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and Christmas, moved
/// to Friday or Monday when they fall on a weekend (New Year's Day on a Saturday is not moved).
/// One-off closures (national days of mourning, 2001-09-11…14, 2012-10-29/30) are listed.
/// `24x7` trades every day (crypto). `weekdays` is Monday to Friday without holidays.
public enum TradingCalendar: String, Hashable, Sendable, CaseIterable {
    case xnys = "XNYS"
    case weekdays
    case always = "24x7"

    /// Trading days in a year, for annualising: 252 on an exchange, 365 on a 24/7 market.
    public var daysPerYear: Double { self == .always ? 365 : 252 }

    /// The calendar bar times imply for annualising: any bar on a Saturday or Sunday (UTC)
    /// means the market trades every day; otherwise weekdays.
    public static func detect(_ times: some Sequence<Timestamp>) -> TradingCalendar {
        times.contains { $0.weekday >= 5 } ? .always : .weekdays
    }

    /// Whether the exchange trades on the UTC calendar day containing `time`.
    public func isTradingDay(_ time: Timestamp) -> Bool {
        switch self {
        case .always: return true
        case .weekdays: return time.weekday < 5
        case .xnys:
            guard time.weekday < 5 else { return false }
            let c = time.utcComponents
            return !Self.nyseHolidays(year: c.year).contains(DayKey(month: c.month, day: c.day))
                && !Self.nyseSpecialClosures.contains(DayKey(year: c.year, month: c.month, day: c.day))
        }
    }

    struct DayKey: Hashable {
        var year = 0
        var month: Int
        var day: Int
    }

    static let nyseSpecialClosures: Set<DayKey> = [
        DayKey(year: 2001, month: 9, day: 11), DayKey(year: 2001, month: 9, day: 12), DayKey(year: 2001, month: 9, day: 13),
        DayKey(year: 2001, month: 9, day: 14), DayKey(year: 2004, month: 6, day: 11), DayKey(year: 2007, month: 1, day: 2),
        DayKey(year: 2012, month: 10, day: 29), DayKey(year: 2012, month: 10, day: 30), DayKey(year: 2018, month: 12, day: 5),
        DayKey(year: 2025, month: 1, day: 9),
    ]

    /// The year's holidays as (month, day) after weekend observance.
    static func nyseHolidays(year: Int) -> Set<DayKey> {
        var days: [DayKey] = []
        func observed(_ month: Int, _ day: Int, saturdayMovesBack: Bool = true) {
            let weekday = Timestamp(year: year, month: month, day: day)!.weekday
            if weekday == 5 {
                guard saturdayMovesBack else { return }
                let friday = Timestamp(year: year, month: month, day: day)! + .days(-1)
                let c = friday.utcComponents
                days.append(DayKey(month: c.month, day: c.day))
            } else if weekday == 6 {
                let monday = Timestamp(year: year, month: month, day: day)! + .days(1)
                let c = monday.utcComponents
                days.append(DayKey(month: c.month, day: c.day))
            } else {
                days.append(DayKey(month: month, day: day))
            }
        }
        /// The n-th given weekday (0 = Monday) of a month; n = -1 for the last.
        func nth(_ n: Int, _ weekday: Int, of month: Int) {
            if n > 0 {
                let first = Timestamp(year: year, month: month, day: 1)!.weekday
                days.append(DayKey(month: month, day: 1 + (weekday - first + 7) % 7 + 7 * (n - 1)))
            } else {
                let lastDay = Timestamp.daysInMonth(year: year, month: month)
                let last = Timestamp(year: year, month: month, day: lastDay)!.weekday
                days.append(DayKey(month: month, day: lastDay - (last - weekday + 7) % 7))
            }
        }
        observed(1, 1, saturdayMovesBack: false)
        if year >= 1998 { nth(3, 0, of: 1) }
        nth(3, 0, of: 2)
        let easter = easterSunday(year)
        let goodFriday = Timestamp(year: year, month: easter.month, day: easter.day)! + .days(-2)
        days.append(DayKey(month: goodFriday.utcComponents.month, day: goodFriday.utcComponents.day))
        nth(-1, 0, of: 5)
        if year >= 2022 { observed(6, 19) }
        observed(7, 4)
        nth(1, 0, of: 9)
        nth(4, 3, of: 11)
        observed(12, 25)
        return Set(days)
    }

    /// Gregorian Easter Sunday (anonymous Gregorian algorithm).
    static func easterSunday(_ year: Int) -> (month: Int, day: Int) {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        return ((h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1)
    }
}
