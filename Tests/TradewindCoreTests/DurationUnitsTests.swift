import Testing
import TradewindCore

@Suite("Duration in nanoseconds and seconds")
struct DurationUnitsTests {
    @Test("whole nanoseconds, sub-nanosecond parts dropped, negative durations keep their sign")
    func nanoseconds() {
        #expect(Duration.milliseconds(1_500).inNanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(7).inNanoseconds == 7)
        #expect((Duration.nanoseconds(7) + Duration(secondsComponent: 0, attosecondsComponent: 999_999_999)).inNanoseconds == 7)
        #expect(Duration.milliseconds(-1_500).inNanoseconds == -1_500_000_000)
        #expect(Duration.seconds(3_600).inNanoseconds == 3_600_000_000_000)
    }

    @Test("seconds as a Double")
    func seconds() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(Duration.microseconds(250).inSeconds == 0.000_25)
        #expect(Duration.seconds(-2).inSeconds == -2)
    }
}
