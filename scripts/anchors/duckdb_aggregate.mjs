// The per-customer aggregate `ledgerlens inspect` computes, done by DuckDB
// (the anchor of the speed table): read a generated ledger's CSV, money as
// exact decimals, and per customer count the rows and documents, add up
// amount, cost and returns, take the first and last date.
// Usage: node duckdb_aggregate.mjs FILE.csv
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2].replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const r = await con.runAndReadAll(`
  SELECT count(*) AS customers, sum(rows) AS rows, sum(amount) AS amount, sum(cost) AS cost
  FROM (
    SELECT customer_id, count(*) AS rows, count(DISTINCT invoice_no) AS documents,
           sum(amount) AS amount, sum(cost) AS cost,
           sum(amount) FILTER (WHERE amount < 0) AS returns,
           min(invoice_date) AS first, max(invoice_date) AS last
    FROM read_csv('${file}', types = {'amount': 'DECIMAL(18,2)', 'cost': 'DECIMAL(18,2)'})
    GROUP BY customer_id)`);
console.log(JSON.stringify(r.getRowObjectsJson()));
