# samples/ processed serially, with -j 1 and with -j 3 gives the same files, byte for byte.
. "$(dirname "$0")/lib.sh"

chain=grayscale
expect_exit 0 "$PIXPOOL" -q -j 1 -f $chain "$SAMPLES" -o j1
expect_exit 0 "$PIXPOOL" -q -j 3 -f $chain "$SAMPLES" -o j3
expect_exit 0 "$PIXPOOL" -q --backend serial -f $chain "$SAMPLES" -o serial
same_tree j1 j3
same_tree j1 serial

# The output tree mirrors the input tree: same relative paths, one per photo.
(cd "$SAMPLES" && find . -type f \( -name '*.jpg' -o -name '*.png' \) | sort) >want
(cd j1 && find . -type f ! -path ./.pixpool-settings | sort) >got
diff -u want got || fail "outputs do not mirror samples/"

# And they are real images of the same size as the inputs. A grey PNG is
# written with one channel (two with alpha); stb_image_write codes every JPEG as YCbCr, so a
# grey JPEG still holds three components (the two chroma ones flat).
for f in $(cat want); do
	grey='s/, 3 channels,/, 1 channel,/; s/, 4 channels,/, 2 channels,/'
	case $f in *.jpg) grey= ;; esac
	# The first line: format, size and channels (the metadata line follows).
	"$PIXPOOL" info "$SAMPLES/$f" | head -n 1 | sed "s/.*: //; s/, EXIF.*//; $grey" >in.txt
	"$PIXPOOL" info "j1/$f" | head -n 1 | sed 's/.*: //; s/, EXIF.*//' >out.txt
	cmp -s in.txt out.txt || fail "$f: $(cat in.txt) became $(cat out.txt)"
done

# OpenMP may give fewer threads than asked (OMP_THREAD_LIMIT): the run says so
# instead of passing one thread off as a pool of two, and writes the same bytes.
OMP_THREAD_LIMIT=1 "$PIXPOOL" -b openmp -j 2 -f $chain "$SAMPLES" -o limited 2>limited.err ||
	fail "OMP_THREAD_LIMIT=1 run failed: $(cat limited.err)"
grep -q "^pixpool: OpenMP ran 1 thread of the 2 asked" limited.err ||
	fail "no word of the thread limit: $(cat limited.err)"
same_tree j1 limited
