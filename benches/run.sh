#!/usr/bin/env bash
# Every figure of BENCHMARKS.md, measured in one run on this machine.
#   bash benches/run.sh [SIZES]          (default: 1000 10000 100000 1000000)
# Needs: wrk, curl and GNU time (apt-get install wrk curl time),
# python3 with pandas and matplotlib for the baseline (pip install -r
# benches/baseline/requirements.txt). Writes target/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${*:-1000 10000 100000 1000000}
for tool in wrk curl /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y wrk curl time python3)" >&2; exit 1; }
done
python3 -c "import pandas, matplotlib" 2>/dev/null || { echo "error: the baseline needs pandas and matplotlib: pip install -r benches/baseline/requirements.txt" >&2; exit 1; }

cargo build --release --quiet --bin spam-survey --example gen_data
bin=target/release/spam-survey
out=target/bench
mkdir -p "$out"
results="$out/results.md"
: > "$results"
say() { echo "$*" | tee -a "$results"; }

# "wall seconds, peak MB" of a command, from GNU time.
measure() {
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || { cat "$out/stderr.txt" >&2; return 1; }
  read -r wall kb < "$out/time.txt"
  echo "$wall $((kb / 1024))"
}

say "# Benchmark run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
say ""
# Start-up: from launch to the first answered request, on a copy of the
# data; prints "seconds resident-MB" (the server's memory once it answers).
startup() {
  rm -rf "$out/start" && cp -r "$1" "$out/start"
  local t0 t1 pid rss
  t0=$(date +%s.%N)
  SPAM_SURVEY_ADMIN_PASSWORD=bench "$bin" serve --addr 127.0.0.1:18123 --surveys "$2" --data "$out/start" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:18123/health; do sleep 0.01; done
  t1=$(date +%s.%N)
  rss=$(ps -o rss= -p "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(awk "BEGIN {printf \"%.2f\", $t1 - $t0}") $((rss / 1024))"
}

say "## Report, export and start-up by size"
say ""
say "| responses | CSV MB | report s | report MB | baseline s | baseline MB | × faster | export s | export MB/s | export MB | start-up s | server MB |"
say "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  dir="$out/data-$n"
  [ -f "$dir/data/spam-2022/responses.csv" ] || cargo run --release --quiet --example gen_data -- --responses "$n" --out "$dir" >/dev/null
  csv="$dir/data/spam-2022/responses.csv"
  mb=$(awk "BEGIN {printf \"%.0f\", $(stat -c %s "$csv") / 1e6}")
  read -r rep_s rep_mb < <(measure "$bin" report --survey spam-2022 --no-compare --surveys "$dir/surveys" --data "$dir/data" --out "$dir/report.html")
  read -r base_s base_mb < <(measure python3 benches/baseline/report.py "$dir/surveys/spam-2022.toml" "$csv" "$dir/baseline.html")
  read -r exp_s exp_mb < <(measure "$bin" export --survey spam-2022 --kind responses --surveys "$dir/surveys" --data "$dir/data" --out "$dir/responses-export.csv")
  exp_size=$(stat -c %s "$dir/responses-export.csv")
  exp_rate=$(awk "BEGIN {printf \"%.0f\", $exp_size / 1e6 / ($exp_s > 0 ? $exp_s : 0.01)}")
  faster=$(awk "BEGIN {printf \"%.1f\", $base_s / ($rep_s > 0 ? $rep_s : 0.01)}")
  read -r start_s start_mb < <(startup "$dir/data" "$dir/surveys")
  say "| $n | $mb | $rep_s | $rep_mb | $base_s | $base_mb | $faster | $exp_s | $exp_rate | $exp_mb | $start_s | $start_mb |"
done

# Many revisions per member: 100,000 respondents with 10 saves each (nine
# drafts, then the submission), a million revisions in all, beside the
# same respondents with one save each: the memory a revision costs (only
# when the sizes include 100000).
case " $sizes " in *" 100000 "*)
say ""
say "## A million revisions of 100,000 respondents (10 saves each)"
say ""
many="$out/data-100000x10"
[ -f "$many/data/spam-2022/responses.csv" ] || cargo run --release --quiet --example gen_data -- --responses 100000 --saves-per-member 10 --out "$many" >/dev/null
one="$out/data-100000"
[ -f "$one/data/spam-2022/responses.csv" ] || cargo run --release --quiet --example gen_data -- --responses 100000 --out "$one" >/dev/null
read -r m_start m_mb < <(startup "$many/data" "$many/surveys")
read -r o_start o_mb < <(startup "$one/data" "$one/surveys")
read -r m_rep_s m_rep_mb < <(measure "$bin" report --survey spam-2022 --no-compare --surveys "$many/surveys" --data "$many/data" --out "$many/report.html")
read -r m_exp_s m_exp_mb < <(measure "$bin" export --survey spam-2022 --kind revisions --surveys "$many/surveys" --data "$many/data" --out "$many/revisions-export.csv")
m_exp_rate=$(awk "BEGIN {printf \"%.0f\", $(stat -c %s "$many/revisions-export.csv") / 1e6 / ($m_exp_s > 0 ? $m_exp_s : 0.01)}")
per_rev=$(awk "BEGIN {printf \"%.0f\", ($m_mb - $o_mb) * 1048576 / 900000}")
say "| measure | 100,000 revisions | 1,000,000 revisions |"
say "|---|---:|---:|"
say "| start-up s | $o_start | $m_start |"
say "| server MB | $o_mb | $m_mb |"
say "| report s (MB) | | $m_rep_s ($m_rep_mb) |"
say "| revisions export s, MB/s (MB) | | $m_exp_s, $m_exp_rate ($m_exp_mb) |"
say ""
say "Memory per stored revision beyond the first of each member: about $per_rev bytes."
;;
esac

say ""
say "## Pages (wrk, 2 threads, 64 connections, 10 s, on loopback)"
say ""
dir="$out/data-1000"
rm -rf "$out/pages" && cp -r "$dir/data" "$out/pages"
token=$("$bin" invite --survey spam-2022 --member R0000001 --surveys "$dir/surveys" --data "$out/pages" 2>/dev/null | sed 's|.*/r/||')
SPAM_SURVEY_ADMIN_PASSWORD=bench "$bin" serve --addr 127.0.0.1:18124 --surveys "$dir/surveys" --data "$out/pages" >/dev/null 2>&1 &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:18124/health; do sleep 0.05; done
jar="$out/cookies.txt"; rm -f "$jar"
csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:18124/admin | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode password=bench http://127.0.0.1:18124/admin/login
cookie=$(awk '$6 == "spam_survey_admin" {print $6 "=" $7}' "$jar")
say "| page | bytes sent | requests/s | p50 | p99 |"
say "|---|---:|---:|---:|---:|"
for page in "form, gzip|/r/$token|gzip" "form, not compressed|/r/$token|identity" "overview (1,000 respondents: its first page of 200), gzip|/admin/s/spam-2022|gzip"; do
  IFS='|' read -r name path coding <<< "$page"
  url="http://127.0.0.1:18124$path"
  # The page must answer 200 before it is measured; its size as sent.
  read -r code size < <(curl -s -o /dev/null -w "%{http_code} %{size_download}\n" -H "Cookie: $cookie" -H "Accept-Encoding: $coding" "$url")
  [ "$code" = 200 ] || { echo "error: $path answered $code, not 200" >&2; exit 1; }
  wrk -t2 -c64 -d10s --latency -H "Cookie: $cookie" -H "Accept-Encoding: $coding" "$url" > "$out/wrk.txt"
  if grep -q "Non-2xx" "$out/wrk.txt"; then echo "error: $path gave answers other than 200 under load" >&2; cat "$out/wrk.txt" >&2; exit 1; fi
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$out/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
  say "| $name | $size | $rps | $p50 | $p99 |"
done
kill "$pid"; wait "$pid" 2>/dev/null || true

say ""
say "## Durable saves (cargo bench --bench saves)"
say ""
cargo bench --quiet --bench saves -- --seconds 5 --dir "$out" 2>/dev/null | tee -a "$results"
echo
echo "Written to $results"
