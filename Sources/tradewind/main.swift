import ArgumentParser
import TradewindCLI

TradewindCommand.main()
