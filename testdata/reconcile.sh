#!/usr/bin/env bash
# Reconciliation over the demo, a customer-level ledger and every ledger in
# ../shared/data, at the
# default as-of date and an earlier one: export and JSON report of the same
# analysis, checked by testdata/check_export.py (openpyxl, not excelize).
# usage: testdata/reconcile.sh BINARY
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
data=../shared/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() { # name, then the binary's arguments
  local name=$1
  shift
  "$bin" export "$@" -o "$tmp/$name.xlsx" >/dev/null
  "$bin" report "$@" --format json >"$tmp/$name.json"
  /usr/bin/python3 testdata/check_export.py "$tmp/$name.xlsx" "$tmp/$name.json"
  n=$((n + 1))
}
check demo --demo
check demo-2024 --demo --as-of 2024-12-31
# two schemes crossed: the Cross-tab sheet against the report of the same analysis
"$bin" export --demo --crosstab region,pyramid -o "$tmp/crosstab.xlsx" >/dev/null
"$bin" report --demo --format json >"$tmp/crosstab.json"
/usr/bin/python3 testdata/check_export.py "$tmp/crosstab.xlsx" "$tmp/crosstab.json"
n=$((n + 1))
# a marketing budget: the Budget sheet against the report
printf 'Segment,Spend,Min,Max\nPlatinum,20000,,25000\nGold,15000,,\nIron,10000,,\nLead,5000,2000,8000\n' >"$tmp/spend.csv"
check budget --demo --spend "$tmp/spend.csv" --set marketing_budget=60000 --set marketing_clv_uplift=0.05
check budget-clv --demo --set marketing_budget=60000 --set marketing_rule=clv
# then vs now: the Compare sheet against the report's compare object
check period --demo --compare-as-of 2024-12-31
check customer-level testdata/customer_level_zh.csv --set retention_override=0.6
if [ -d "$data" ]; then
  check receivables "$data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv"
  check receivables-2013 "$data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv" --as-of 2013-06-30
  check cdnow "$data/cdnow/CDNOW_sample.txt" --columns ,customer_id,date,quantity,amount
  check cdnow-1997 "$data/cdnow/CDNOW_sample.txt" --columns ,customer_id,date,quantity,amount --as-of 1997-09-30
  check retail "$data/online-retail-ii/online_retail_II_subset_2sheets.xlsx"
  check retail-2010 "$data/online-retail-ii/online_retail_II_subset_2sheets.xlsx" --as-of 2010-12-31
elif [ "${CI:-}" = true ]; then
  echo "reconcile: $data is missing" >&2
  exit 1
fi
echo "reconciled $n ledger exports"
