#!/bin/sh
# File names are bytes from outside: a newline, an escape sequence or bytes
# that are not UTF-8 never reach the terminal raw (one line per message, no
# ESC), and the JSON manifest stays valid UTF-8, with each name that is not
# UTF-8 recoverable exactly from its "input_hex" and "output_hex" fields.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 - "$SAMPLES/png/camera.png" <<'PY' || fail "cannot make the names"
import shutil, sys
src = sys.argv[1]
for name in [b"new\nline.png", b"\xff\xfenot-utf8.png", b"esc\x1b[2Jclear.png", b"plain.png"]:
    shutil.copy(src, b"in/" + name)
open(b"in/\xffbroken\x1b[31m.jpg", "wb").write(b"\xff\xd8\xff\xe0 not a JPEG after all")
PY
"$PIXPOOL" -v -j 2 -f grayscale in -o out --manifest m.json 2>err
[ $? = 1 ] || fail "the broken file did not make the run fail"
cat err
! grep -q "$(printf '\033')" err || fail "an escape character reached the terminal"
grep -q 'new\\nline.png' err || fail "the newline was not shown as \\n"
grep -q 'esc\\x1b\[2Jclear.png' err || fail "ESC was not shown as \\x1b"
grep -q '\\xffbroken\\x1b\[31m.jpg: ' err || fail "the broken file's error line is not escaped"
[ "$(grep -c '^ok ' err)" = 4 ] || fail "not one line per image written"
python3 - m.json <<'PY' || fail "the manifest is not valid UTF-8 JSON, or a name is lost"
import json, os, sys
raw = open(sys.argv[1], "rb").read()
rows = json.loads(raw.decode("utf-8"))["images"]     # strict: fails on any byte that is not UTF-8
assert len(rows) == 5, rows
for r in rows:
    name = bytes.fromhex(r["input_hex"]) if r["input_hex"] else r["input"].encode()
    assert os.path.exists(name), name
    if r["status"] == "ok":
        out = bytes.fromhex(r["output_hex"]) if r["output_hex"] else r["output"].encode()
        assert os.path.exists(out), out
    valid = True
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        valid = False
    assert (r["input_hex"] is None) == valid, r
PY
exit 0
