"""Reference values for Tradewind's overfitting statistics (deflated Sharpe ratio, CSCV PBO).

An independent implementation with numpy/scipy, straight from the papers' formulas:
  Bailey & Lopez de Prado (2014), "The Deflated Sharpe Ratio";
  Bailey, Borwein, Lopez de Prado & Zhu (2015), "The Probability of Backtest Overfitting".
Run:  python3 generate.py   (needs numpy and scipy from PyPI); writes trials.csv and expected.json.
The tests read those files and need no Python.
"""
import itertools, json
import numpy as np
from scipy import stats

rng = np.random.default_rng(20261202)
T, N = 800, 20
# Fat-tailed, skewed returns: most trials are noise, a few have a small edge.
edges = np.linspace(-0.0004, 0.0008, N)
trials = np.empty((T, N))
for j in range(N):
    noise = stats.t.rvs(df=4, size=T, random_state=rng) * 0.008
    shock = -np.abs(rng.normal(0, 0.01, T)) * (rng.random(T) < 0.05)
    trials[:, j] = edges[j] + noise + shock
np.savetxt("trials.csv", trials, delimiter=",", fmt="%.17g")

def sharpe(x):
    sd = x.std(ddof=1)
    return x.mean() / sd if sd > 0 else 0.0

sharpes = np.array([sharpe(trials[:, j]) for j in range(N)])
best = int(np.argmax(sharpes))
gamma = 0.5772156649015329
var = sharpes.var(ddof=1)
sr0 = np.sqrt(var) * ((1 - gamma) * stats.norm.ppf(1 - 1 / N) + gamma * stats.norm.ppf(1 - 1 / (N * np.e)))
x = trials[:, best]
skew = stats.skew(x)
kurt = stats.kurtosis(x, fisher=False)
sr = sharpes[best]
dsr = stats.norm.cdf((sr - sr0) * np.sqrt(T - 1) / np.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr ** 2))

def pbo(matrix, S):
    rows, n = matrix.shape
    bounds = [(rows * b // S, rows * (b + 1) // S) for b in range(S)]
    logits, losses = [], 0
    for chosen in itertools.combinations(range(S), S // 2):
        is_rows = np.concatenate([np.arange(*bounds[b]) for b in chosen])
        oos_rows = np.concatenate([np.arange(*bounds[b]) for b in range(S) if b not in chosen])
        is_perf = np.array([sharpe(matrix[is_rows, j]) for j in range(n)])
        oos_perf = np.array([sharpe(matrix[oos_rows, j]) for j in range(n)])
        star = int(np.argmax(is_perf))
        omega = stats.rankdata(oos_perf)[star] / (n + 1)
        logits.append(np.log(omega / (1 - omega)))
        losses += oos_perf[star] < 0
    logits = np.array(logits)
    return {"probability": float((logits <= 0).mean()), "probability_of_loss": losses / len(logits),
            "median_logit": float(np.median(logits)), "splits": len(logits)}

expected = {
    "best_trial": best,
    "best_sharpe": float(sr),
    "sharpe_variance": float(var),
    "expected_max_sharpe": float(sr0),
    "skew": float(skew),
    "kurtosis": float(kurt),
    "deflated_sharpe": float(dsr),
    "pbo_16": pbo(trials, 16),
    "pbo_8": pbo(trials, 8),
    "normal_quantiles": {str(p): float(stats.norm.ppf(p)) for p in [1e-10, 0.001, 0.02, 0.3, 0.5, 0.9, 0.975, 0.99999]},
}
with open("expected.json", "w") as f:
    json.dump(expected, f, indent=2)
print(json.dumps({k: v for k, v in expected.items() if k != "normal_quantiles"}, indent=2))
