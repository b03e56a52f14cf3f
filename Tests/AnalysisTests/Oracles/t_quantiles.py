"""Student t quantiles as JSON: {"<df>": {"<p>": [scipy t.ppf, 40-digit root], ...}, ...}.
The root solves 1 - I_x(df/2, 1/2)/2 = p, x = df/(df + t^2), with mpmath at 40 digits: the
reference, since scipy's t.ppf itself errs by up to ~1e-8.
Usage: t_quantiles.py DF,DF,... P,P,..."""
import json
import sys

try:
    import mpmath
    from scipy import stats
except ModuleNotFoundError:
    sys.exit(3)

mpmath.mp.dps = 40
dfs = [float(x) for x in sys.argv[1].split(",")]
ps = [float(x) for x in sys.argv[2].split(",")]


def root(df, p):
    nu, half = mpmath.mpf(df), mpmath.mpf(1) / 2
    cdf = lambda t: 1 - mpmath.betainc(nu / 2, half, 0, nu / (nu + t * t), regularized=True) / 2
    return float(mpmath.findroot(lambda t: cdf(t) - mpmath.mpf(p), stats.t.ppf(p, df)))


print(json.dumps({repr(d): {repr(p): [float(stats.t.ppf(p, d)), root(d, p)] for p in ps}
                  for d in dfs}))
