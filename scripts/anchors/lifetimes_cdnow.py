"""What `ledgerlens report --set model_time_unit=week` computes of the CLV
models on the CDNOW sample (or lifetimes' CDNOW_master.txt, the whole
ledger the sample was drawn from), done by the reference library, lifetimes (an
anchor of the speed table): the repeat summary (purchase days, times in weeks), BG/NBD, Pareto/NBD
and Gamma-Gamma fits, P(alive), expected purchases in 90 days and a
12-month CLV at 1 % a month.
Usage: python3 lifetimes_cdnow.py CDNOW_sample.txt (or CDNOW_master.txt)
(lifetimes and autograd on PYTHONPATH; pandas and scipy installed)"""
import json
import sys

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import summary_data_from_transaction_data

with open(sys.argv[1]) as f:
    master = f.readline().split()[0] == "customer_id"  # lifetimes' CDNOW_master.txt: a header, four columns
if master:
    tx = pd.read_csv(sys.argv[1], sep=r"\s+", dtype={"customer_id": str}).rename(columns={"dollar_value": "amount"})
else:
    tx = pd.read_csv(sys.argv[1], sep=r"\s+", header=None, dtype={0: str},
                     names=["customer_id", "id2", "date", "quantity", "amount"])
tx["date"] = pd.to_datetime(tx["date"].astype(str), format="%Y%m%d")
# purchase days, times in weeks (as ledgerlens' model_time_unit=week)
s = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq="D")
s[["recency", "T"]] /= 7
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
pn = ParetoNBDFitter().fit(s["frequency"], s["recency"], s["T"])
rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]  # the master has repeat days of $0
gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
alive = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
expected = bg.conditional_expected_number_of_purchases_up_to_time(90 / 7, s["frequency"], s["recency"], s["T"])
clv = gg.customer_lifetime_value(bg, rep["frequency"], rep["recency"], rep["T"], rep["monetary_value"],
                                 time=12, discount_rate=0.01, freq="W")
print(json.dumps({"customers": len(s), "bgnbd": bg.params_.round(6).to_dict(), "pareto_nbd": pn.params_.round(4).to_dict(),
                  "gamma_gamma": gg.params_.round(6).to_dict(), "p_alive_mean": round(float(alive.mean()), 6),
                  "expected_90d": round(float(expected.sum()), 3), "clv": round(float(clv.sum()), 2)}))
