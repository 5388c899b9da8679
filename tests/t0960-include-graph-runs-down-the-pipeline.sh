#!/bin/sh
# The sources include down the pipeline only (src/README.md): no cycle among
# modules, and no folder includes one that comes before it in
# cli -> bench -> report -> engine -> work -> job -> filter -> codec -> base.
# The checker is shown to catch both on a small tree made to break them.
. "$(dirname "$0")/lib.sh"

python3 "$TOP/tests/include-graph.py" "$TOP/src" >graph.txt ||
	fail "the include graph is wrong: $(cat graph.txt)"
grep -q ' problems 0$' graph.txt || fail "no verdict: $(cat graph.txt)"

mkdir -p bad/base bad/codec bad/job
printf '#include "codec/image.h"\n' >bad/base/error.h
printf '#include "base/error.h"\n' >bad/codec/image.h
printf '#include "job/b.h"\n' >bad/job/a.h
printf '#include "job/a.h"\n' >bad/job/b.h
expect_exit 1 python3 "$TOP/tests/include-graph.py" bad >bad.txt
grep -q 'base/error -> codec/image: base may not include codec' bad.txt ||
	fail "an upward include went unseen: $(cat bad.txt)"
grep -q 'cycle: job/a <-> job/b' bad.txt || fail "a cycle went unseen: $(cat bad.txt)"
exit 0
