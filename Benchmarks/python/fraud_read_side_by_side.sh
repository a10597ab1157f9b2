#!/bin/sh
# Side by side: `atelier-bench fraud-read-csv` and `pandas.read_csv` on the same file, alternated
# ROUNDS times so that both see the same machine load. Each run prints its own median.
# Usage: sh Benchmarks/python/fraud_read_side_by_side.sh FILE [ROUNDS]
set -e
file=${1:?usage: fraud_read_side_by_side.sh FILE [ROUNDS]}
rounds=${2:-3}
here=$(dirname "$0")
i=1
while [ "$i" -le "$rounds" ]; do
    ATELIER_CREDITCARD="$file" "$here/../../.build/release/atelier-bench" fraud-read-csv | grep -E "readNumeric 284|CreditCardData.load"
    python3 "$here/pandas_read.py" "$file" 5 | grep -E "C engine"
    i=$((i + 1))
done
