"""The per-customer aggregate `ledgerlens inspect` computes, done by pandas
(an anchor of the speed table). Usage: python3 pandas_aggregate.py FILE.csv"""
import json
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1], parse_dates=["invoice_date", "due_date", "paid_date"])
df["returns"] = df["amount"].where(df["amount"] < 0, 0)
g = df.groupby("customer_id").agg(
    rows=("amount", "size"), documents=("invoice_no", "nunique"),
    amount=("amount", "sum"), cost=("cost", "sum"), returns=("returns", "sum"),
    first=("invoice_date", "min"), last=("invoice_date", "max"))
print(json.dumps({"customers": len(g), "rows": int(g["rows"].sum()), "amount": round(float(g["amount"].sum()), 2)}))
