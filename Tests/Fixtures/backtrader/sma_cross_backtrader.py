#!/usr/bin/env python3
"""Cross-check of Tradewind's backtest against backtrader, an established Python engine.

Long-only SMA(10)/SMA(30) crossover on GOOG daily: buy 10 shares when the fast average
crosses above the slow one, close the position when it crosses below; market orders fill
at the next bar's open; commission 0.1 % of notional per fill; starting cash 100,000.
Writes the closed trades and the final portfolio value next to this script
(`GOOG-1d-sma-cross.csv`, `GOOG-1d-sma-cross.json`; trade times are session dates, as backtrader
  stamps daily bars at the session end); the Swift test reads those files,
so the test run needs no Python.

Run:  pip install backtrader==1.9.78.123
      python3 Tests/Fixtures/backtrader/sma_cross_backtrader.py examples/data/GOOG-1d.csv
"""
import csv
import json
import os
import sys
from datetime import datetime, timezone

import backtrader as bt


class SMACross(bt.Strategy):
    params = dict(fast=10, slow=30, size=10)

    def __init__(self):
        fast = bt.indicators.SMA(self.data.close, period=self.p.fast)
        slow = bt.indicators.SMA(self.data.close, period=self.p.slow)
        self.cross = bt.indicators.CrossOver(fast, slow)
        self.fills = []

    def next(self):
        if not self.position and self.cross[0] > 0:
            self.buy(size=self.p.size)
        elif self.position and self.cross[0] < 0:
            self.close()

    def notify_order(self, order):
        if order.status == order.Completed:
            moment = bt.num2date(order.executed.dt).replace(tzinfo=timezone.utc)
            self.fills.append((moment.strftime("%Y-%m-%d"), order.isbuy(), order.executed.size,
                               order.executed.price, order.executed.comm))


def main(path):
    cerebro = bt.Cerebro(stdstats=False)
    data = bt.feeds.GenericCSVData(dataname=path, dtformat="%Y-%m-%dT%H:%M:%SZ", datetime=0, open=1, high=2, low=3,
                                   close=4, volume=5, openinterest=-1, headers=True)
    cerebro.adddata(data)
    cerebro.addstrategy(SMACross)
    cerebro.broker.setcash(100000.0)
    cerebro.broker.setcommission(commission=0.001)
    strategy = cerebro.run()[0]
    here = os.path.dirname(os.path.abspath(__file__))
    trades = []
    entry = None
    for moment, is_buy, size, price, fee in strategy.fills:
        if is_buy:
            entry = (moment, price, size, fee)
        else:
            pnl = (price - entry[1]) * entry[2] - entry[3] - fee
            trades.append((entry[0], entry[1], moment, price, entry[2], pnl, entry[3] + fee))
    with open(os.path.join(here, "GOOG-1d-sma-cross.csv"), "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["entry_time", "entry_price", "exit_time", "exit_price", "size", "pnl", "fees"])
        for row in trades:
            writer.writerow([row[0], repr(row[1]), row[2], repr(row[3]), repr(float(row[4])), repr(row[5]), repr(row[6])])
    summary = {"engine": "backtrader " + bt.__version__, "final_value": cerebro.broker.getvalue(),
               "cash": cerebro.broker.getcash(), "open_position": strategy.position.size,
               "fills": len(strategy.fills), "closed_trades": len(trades)}
    with open(os.path.join(here, "GOOG-1d-sma-cross.json"), "w") as out:
        json.dump(summary, out, indent=2)
        out.write("\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1])
