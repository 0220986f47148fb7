#!/usr/bin/env python3
"""The backtrader baseline of `tradewind-bench backtest --backtrader`.

Runs the cross-check's strategy (Tests/Fixtures/backtrader/sma_cross_backtrader.py: long-only
SMA crossover, market orders filled at the next bar's open) over a CSV file of one-minute bars
that the bench writes from the walk it timed, with the same size, starting cash and commission,
and prints one JSON line: bars, seconds spent in `cerebro.run()`, fills, final value, version.

Run by the bench; by hand:
    pip install backtrader==1.9.78.123
    python3 scripts/bench/backtrader_sma_cross.py BARS.csv FAST SLOW SIZE CASH COMMISSION
"""
import json
import os
import sys
import time

import backtrader as bt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Fixtures", "backtrader"))
from sma_cross_backtrader import SMACross  # noqa: E402  (the cross-check's strategy, unchanged)


def main(path, fast, slow, size, cash, commission):
    cerebro = bt.Cerebro(stdstats=False)
    data = bt.feeds.GenericCSVData(dataname=path, dtformat="%Y-%m-%dT%H:%M:%SZ", timeframe=bt.TimeFrame.Minutes,
                                   compression=1, datetime=0, open=1, high=2, low=3, close=4, volume=5,
                                   openinterest=-1, headers=True)
    cerebro.adddata(data)
    cerebro.addstrategy(SMACross, fast=fast, slow=slow, size=size)
    cerebro.broker.setcash(cash)
    cerebro.broker.setcommission(commission=commission)
    started = time.perf_counter()
    strategy = cerebro.run()[0]
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": "backtrader " + bt.__version__, "bars": len(data), "seconds": seconds,
                      "fills": len(strategy.fills), "final_value": cerebro.broker.getvalue()}))


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
