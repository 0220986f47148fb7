"""Reference values for Tradewind's return-series statistics.

Computes every statistic of `tradewind metrics` with empyrical-reloaded (and pandas for skew
and kurtosis) on two return series, and writes them next to this script:

    python -m venv /tmp/empy && /tmp/empy/bin/pip install empyrical-reloaded==0.7.1 pandas
    /tmp/empy/bin/python Tests/Fixtures/empyrical/generate.py

Outputs (committed, so the tests need no Python): sp500-returns.csv, synthetic-returns.csv,
expected.json.
"""
import csv
import json
import os

import empyrical as ep
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def sp500():
    with open(os.path.join(ROOT, "examples", "data", "SP500-1d.csv")) as f:
        rows = list(csv.DictReader(f))
    closes = [float(r["close"]) for r in rows]
    stamps = [r["timestamp"] for r in rows]
    returns = [closes[i] / closes[i - 1] - 1 for i in range(1, len(closes))]
    return stamps[1:], returns


def synthetic():
    rng = np.random.RandomState(7)
    returns = rng.normal(0.0004, 0.012, 1000)
    returns[100] = -0.09  # a crash day
    days = pd.bdate_range("2020-01-01", periods=len(returns))
    return [d.strftime("%Y-%m-%d") for d in days], [float(r) for r in returns]


def stats(returns, periods):
    r = np.asarray(returns, dtype=float)
    s = pd.Series(r)
    return {
        "cumulative_return": ep.cum_returns_final(r),
        "annual_return": ep.annual_return(r, annualization=periods),
        "annual_volatility": ep.annual_volatility(r, annualization=periods),
        "sharpe": ep.sharpe_ratio(r, annualization=periods),
        "sortino": ep.sortino_ratio(r, annualization=periods),
        "calmar": ep.calmar_ratio(r, annualization=periods),
        "omega": ep.omega_ratio(r),
        "tail_ratio": ep.tail_ratio(r),
        "stability": ep.stability_of_timeseries(r),
        "max_drawdown": ep.max_drawdown(r),
        "var_95": ep.value_at_risk(r, 0.05),
        "cvar_95": ep.conditional_value_at_risk(r, 0.05),
        "var_99": ep.value_at_risk(r, 0.01),
        "cvar_99": ep.conditional_value_at_risk(r, 0.01),
        "skew": s.skew(),
        "kurtosis": s.kurt(),
    }


expected = {"empyrical": ep.__version__, "numpy": np.__version__, "pandas": pd.__version__, "series": {}}
for name, (stamps, returns) in {"sp500": sp500(), "synthetic": synthetic()}.items():
    with open(os.path.join(HERE, f"{name}-returns.csv"), "w") as f:
        f.write("timestamp,return\n")
        for stamp, value in zip(stamps, returns):
            f.write(f"{stamp},{value!r}\n")
    expected["series"][name] = {"periods_per_year": 252, "count": len(returns), "stats": {k: float(v) for k, v in stats(returns, 252).items()}}

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print("wrote", ", ".join(expected["series"]))
