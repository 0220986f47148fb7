import Testing
import TradewindAlerts
import TradewindCore

@Suite("Alert rules: parsing and evaluation")
struct AlertRuleTests {
    let t0 = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    @Test("rule lines parse, print back, and parse again to the same rule")
    func parsing() throws {
        let rule = try AlertRule(parsing: "deep-drawdown: drawdown > 5% for 2m severity critical cooldown 30m")
        #expect(rule.name == "deep-drawdown" && rule.metric == "drawdown" && rule.subject == nil && rule.comparison == .above)
        #expect(rule.threshold == 5 && rule.duration == .minutes(2) && rule.severity == .critical && rule.cooldown == .minutes(30))
        #expect(try AlertRule(parsing: rule.description) == rule)

        let loss = try AlertRule(parsing: "losing-day: daily_pnl(paper-goog) < -500")
        #expect(loss.subject == "paper-goog" && loss.threshold == -500 && loss.severity == .warning && loss.cooldown == .minutes(15))
        let cross = try AlertRule(parsing: "btc: price(BTCUSDT) crosses above 100000 severity info")
        #expect(cross.comparison == .crossesAbove && cross.subject == "BTCUSDT")
        #expect(try AlertRule(parsing: cross.description) == cross)
    }

    @Test("a bad rule names what is wrong", arguments: [
        ("no colon here", "expected 'NAME: METRIC OP VALUE'"),
        ("x: drawdwn > 5", "unknown metric 'drawdwn'"),
        ("x: drawdown => 5", "unknown comparison '=>'"),
        ("x: drawdown > five", "not a number"),
        ("x: equity > 5%", "only drawdown is in percent"),
        ("x: price crosses 10", "price needs an instrument"),
        ("x: drawdown > 5 severity loud", "severity is info, warning or critical"),
        ("x: drawdown > 5 for ever", "a duration is like"),
        ("x: price(BTC) crosses 10 for 1m", "'for' does not apply"),
        ("x: drawdown > 5 when now", "unexpected 'when'"),
        ("bad name!: drawdown > 5", "a rule name is"),
    ])
    func refusals(line: String, reason: String) {
        #expect(throws: AlertRuleError.self) { try AlertRule(parsing: line) }
        do { _ = try AlertRule(parsing: line) } catch { #expect(error.reason.contains(reason), "\(error.reason)") }
    }

    @Test("a level rule fires once after its duration, stays one alert through a burst, clears, and respects its cool-down")
    func levels() throws {
        let rule = try AlertRule(parsing: "dd: drawdown > 5 for 1m cooldown 10m")
        var evaluator = AlertEvaluator(rules: [rule])
        func at(_ seconds: Int64, _ value: Double) -> [AlertTransition] {
            evaluator.evaluate([MetricSample(metric: "drawdown", subject: "bot-a", value: value)], now: t0 + .seconds(seconds))
        }
        #expect(at(0, 6).isEmpty)                  // breaching, but not yet for a minute
        #expect(at(30, 7).isEmpty)
        #expect(at(60, 8) == [.fired(rule: rule, subject: "bot-a", value: 8)])
        #expect(at(70, 9).isEmpty)                 // the burst is the same alert
        #expect(at(80, 4) == [.cleared(rule: rule, subject: "bot-a", value: 4)])
        #expect(at(90, 6).isEmpty)
        #expect(at(200, 6).isEmpty)                // held for a minute again, but within 10 minutes of firing
        #expect(at(660, 6) == [.fired(rule: rule, subject: "bot-a", value: 6)])
    }

    @Test("without a subject each subject has its own alert; a subject rule ignores the others")
    func subjects() throws {
        let all = try AlertRule(parsing: "loss: daily_pnl < 0")
        let one = try AlertRule(parsing: "loss-b: daily_pnl(b) < 0")
        var evaluator = AlertEvaluator(rules: [all, one])
        let fired = evaluator.evaluate([MetricSample(metric: "daily_pnl", subject: "a", value: -1),
                                        MetricSample(metric: "daily_pnl", subject: "b", value: -2),
                                        MetricSample(metric: "equity", subject: "a", value: -5)], now: t0)
        #expect(fired == [.fired(rule: all, subject: "a", value: -1), .fired(rule: all, subject: "b", value: -2),
                          .fired(rule: one, subject: "b", value: -2)])
    }

    @Test("a crossing fires on the sample that crosses; crossings while open are repeats; resolving re-arms it")
    func crossings() throws {
        let rule = try AlertRule(parsing: "level: price(X) crosses 100 cooldown 0")
        var evaluator = AlertEvaluator(rules: [rule])
        func at(_ seconds: Int64, _ value: Double) -> [AlertTransition] {
            evaluator.evaluate([MetricSample(metric: "price", subject: "X", value: value)], now: t0 + .seconds(seconds))
        }
        #expect(at(0, 99).isEmpty)                 // no previous value: nothing crossed yet
        #expect(at(1, 99.5).isEmpty)
        #expect(at(2, 101) == [.fired(rule: rule, subject: "X", value: 101)])
        #expect(at(3, 102).isEmpty)
        #expect(at(4, 98) == [.repeated(rule: rule, subject: "X", value: 98)])
        evaluator.resolved(rule: "level", subject: "X")
        #expect(at(5, 100) == [.fired(rule: rule, subject: "X", value: 100)])
    }

    @Test("an alert restored as open does not fire again after a restart")
    func restore() throws {
        let rule = try AlertRule(parsing: "dd: drawdown > 5")
        var evaluator = AlertEvaluator(rules: [rule])
        evaluator.restore(rule: "dd", subject: "a", firedAt: t0, open: true)
        #expect(evaluator.evaluate([MetricSample(metric: "drawdown", subject: "a", value: 9)], now: t0 + .seconds(5)).isEmpty)
        #expect(evaluator.evaluate([MetricSample(metric: "drawdown", subject: "a", value: 1)], now: t0 + .seconds(10))
                == [.cleared(rule: rule, subject: "a", value: 1)])
    }

    @Test("escalation walks the chain one channel per period while unacknowledged")
    func escalation() {
        let routing = AlertRouting(routes: [.critical: ["telegram"]], escalation: ["email", "webhook"], escalateAfter: .minutes(10))
        #expect(routing.escalation(level: 0, lastNotified: t0, now: t0 + .minutes(9)) == nil)
        #expect(routing.escalation(level: 0, lastNotified: t0, now: t0 + .minutes(10)) == "email")
        #expect(routing.escalation(level: 1, lastNotified: t0 + .minutes(10), now: t0 + .minutes(20)) == "webhook")
        #expect(routing.escalation(level: 2, lastNotified: t0 + .minutes(20), now: t0 + .hours(5)) == nil)
    }
}
