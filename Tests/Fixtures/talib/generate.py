#!/usr/bin/env python3
"""Reference indicator values from TA-Lib, for TradewindIndicators' tests.

    pip install ta-lib numpy
    python3 Tests/Fixtures/talib/generate.py

Writes Tests/Fixtures/talib/<DATA>.csv for each data set below: `timestamp`, then one
column per indicator output, named as `tradewind indicators` names them. Values are
printed with 17 significant digits (exact round-trip of a double); an empty cell is
TA-Lib's warm-up (NaN). The tests read only these CSVs, so running them needs no Python.
"""
import csv
import os

import numpy as np
import talib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "examples", "data")
SETS = ["GOOG-1d", "SP500-1d"]


def columns(o, h, l, c, v):
    out = {}
    out["sma_20"] = talib.SMA(c, 20)
    out["ema_20"] = talib.EMA(c, 20)
    out["wma_20"] = talib.WMA(c, 20)
    out["dema_20"] = talib.DEMA(c, 20)
    out["tema_20"] = talib.TEMA(c, 20)
    out["kama_30"] = talib.KAMA(c, 30)
    out["rsi_14"] = talib.RSI(c, 14)
    k, d = talib.STOCH(h, l, c, fastk_period=14, slowk_period=3, slowk_matype=0, slowd_period=3, slowd_matype=0)
    out["stoch_14_3_3_k"], out["stoch_14_3_3_d"] = k, d
    k, d = talib.STOCHF(h, l, c, fastk_period=14, fastd_period=3, fastd_matype=0)
    out["stochf_14_3_k"], out["stochf_14_3_d"] = k, d
    k, d = talib.STOCHRSI(c, timeperiod=14, fastk_period=14, fastd_period=3, fastd_matype=0)
    out["stochrsi_14_14_3_k"], out["stochrsi_14_14_3_d"] = k, d
    m, s, hist = talib.MACD(c, 12, 26, 9)
    out["macd_12_26_9"], out["macd_12_26_9_signal"], out["macd_12_26_9_hist"] = m, s, hist
    up, mid, low = talib.BBANDS(c, 20, 2, 2, 0)
    out["bbands_20_2_upper"], out["bbands_20_2_middle"], out["bbands_20_2_lower"] = up, mid, low
    out["trange"] = talib.TRANGE(h, l, c)
    out["atr_14"] = talib.ATR(h, l, c, 14)
    out["adx_14"] = talib.ADX(h, l, c, 14)
    out["adx_14_plus_di"] = talib.PLUS_DI(h, l, c, 14)
    out["adx_14_minus_di"] = talib.MINUS_DI(h, l, c, 14)
    out["cci_20"] = talib.CCI(h, l, c, 20)
    out["obv"] = talib.OBV(c, v)
    out["mfi_14"] = talib.MFI(h, l, c, v, 14)
    out["willr_14"] = talib.WILLR(h, l, c, 14)
    out["roc_10"] = talib.ROC(c, 10)
    out["psar_0.02_0.2"] = talib.SAR(h, l, 0.02, 0.2)
    return out


def main():
    for name in SETS:
        with open(os.path.join(DATA, name + ".csv")) as f:
            rows = list(csv.DictReader(f))
        arr = lambda k: np.array([float(r[k]) for r in rows], dtype=np.float64)
        cols = columns(arr("open"), arr("high"), arr("low"), arr("close"), arr("volume"))
        with open(os.path.join(HERE, name + ".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["timestamp"] + list(cols))
            for i, r in enumerate(rows):
                w.writerow([r["timestamp"]] + ["" if np.isnan(v[i]) else repr(float(v[i])) for v in cols.values()])
        print("wrote", name, len(rows), "rows,", len(cols), "columns")


if __name__ == "__main__":
    main()
