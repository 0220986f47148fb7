#!/usr/bin/env python3
"""Independent reference for the sma-cross backtest on GOOG-1d.

Re-derives, with Python's Decimal (exact) for money and plain float sums for the
averages, the trade list and final equity that the end-to-end test expects:
- SMA(fast) and SMA(slow) of closes; a cross up is prev(fast-slow) <= 0 < now,
  a cross down is prev >= 0 > now; both averages must exist on both bars.
- Buy `size` on a cross up when flat; sell everything on a cross down when long.
- Orders fill at the next bar's open; fee = rate * price * quantity on every fill.
- Final equity = cash + position * last close.
Run:  python3 Tests/Fixtures/reference/sma_cross_reference.py examples/data/GOOG-1d.csv
"""
import csv
import sys
from decimal import Decimal


def main(path, fast=10, slow=30, size=Decimal(10), cash=Decimal(100000), rate=Decimal("0.001")):
    rows = list(csv.DictReader(open(path)))
    closes = [float(r["close"]) for r in rows]
    position, pending, prev_spread = Decimal(0), None, None
    trades, entry = [], None
    fees_total = Decimal(0)
    for i, row in enumerate(rows):
        if pending is not None:  # fill at this bar's open
            side, qty = pending
            price = Decimal(row["open"])
            fee = rate * price * qty
            fees_total += fee
            if side == "buy":
                cash -= price * qty + fee
                position += qty
                entry = (row["timestamp"], price, fee)
            else:
                cash += price * qty - fee
                position -= qty
                pnl = (price - entry[1]) * qty - entry[2] - fee
                trades.append((entry[0], entry[1], row["timestamp"], price, qty, pnl, entry[2] + fee))
            pending = None
        if i + 1 < slow:
            continue
        f = sum(closes[i + 1 - fast:i + 1]) / fast
        s = sum(closes[i + 1 - slow:i + 1]) / slow
        spread = f - s
        if prev_spread is not None:
            if prev_spread <= 0 < spread and position == 0:
                pending = ("buy", size)
            elif prev_spread >= 0 > spread and position > 0:
                pending = ("sell", position)
        prev_spread = spread
    equity = cash + position * Decimal(rows[-1]["close"])
    for t in trades[:3]:
        print("trade", *t)
    print("trades", len(trades), "open position", position, "fees", fees_total)
    print("final_equity", equity)


if __name__ == "__main__":
    main(sys.argv[1])
