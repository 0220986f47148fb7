import ArgumentParser
import TradewindCLI

/// The `tradewind` executable: everything lives in ``TradewindCommand``.
@main
struct TradewindMain {
    static func main() async {
        await TradewindCommand.main()
    }
}
