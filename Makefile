# pixpool: `make run` builds and processes samples/ into out/; `make test` runs every test.
#
#   make              build build/pixpool
#   make run          install missing Debian packages, build, process samples/ into out/
#   make test         every test: unit and end to end, then again under ASan+UBSan, then
#                     the unit tests of the SSE2-only build (SAN=noclones), then the
#                     OpenMP ones under TSan; every build with WERROR=1
#   make check        the tests of one build only (SAN= selects it), with WERROR=1,
#                     built apart from build/ (build/check, or build/SAN)
#   make check-units  the unit tests alone of one build, with WERROR=1
#   make bench        filter throughput and engine scaling on a generated corpus
#   make install      the binary, the manual and the bash completion under PREFIX
#                     (/usr/local), staged under DESTDIR when given; make uninstall
#   make SAN=asan     build with AddressSanitizer + UndefinedBehaviorSanitizer into build/asan/
#   make SAN=tsan     build with ThreadSanitizer into build/tsan/ (clang, LLVM's libomp)
#   make SAN=noclones build the SSE2 baseline alone (-DPIXPOOL_NO_CLONES) into build/noclones/
#   make WERROR=1     make every warning in the project's own code an error (not in stb's)
#   make V=1          show the full compiler lines

CC      ?= cc
OPT     ?= -O3
CFLAGS  ?= $(OPT) -g
WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Isrc
OMP     := -fopenmp
LDLIBS  += -lseccomp -ldeflate -lz -lm
# The reference libraries of the formats stb does not cover, and of colour
# management, by their pkg-config names (third_party/README.md names the
# Debian packages). A format's row adds its library here.
CODEC_PKGS :=
CODEC_PKGS += libheif
CODEC_PKGS += lcms2
CODEC_PKGS += libwebp libwebpmux
CODEC_PKGS += libtiff-4
CODEC_PKGS += libraw_r
ifneq ($(strip $(CODEC_PKGS)),)
  CPPFLAGS += $(shell pkg-config --cflags $(CODEC_PKGS))
  LDLIBS += $(shell pkg-config --libs $(CODEC_PKGS))
endif

# The tests build apart from the user's build/ (build/check for the plain
# one, build/SAN for the others), with flags of their own (-Werror), so that
# `make && make test && make install` compiles nothing at install time.
SAN ?=
CHECK ?=
ifeq ($(SAN),)
  B := $(if $(filter 1,$(CHECK)),build/check,build)
else ifeq ($(SAN),asan)
  B := build/asan
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  # stb_image_write's JPEG bit writer shifts a signed int's high bits out
  # (bitBuf <<= 8), which UBSan reports; only bits 16..23 are ever read, so
  # that one check is off for stb alone. ASan and the rest of UBSan stay on.
  STB_SANFLAGS := -fno-sanitize=shift
else ifeq ($(SAN),tsan)
  # libgomp is not built with TSan, so its barriers look like races. clang
  # with LLVM's libomp and its Archer tool (which tells TSan about OpenMP's
  # synchronisation) gives a clean report; tests/run.sh gets the tool through
  # OMP_TOOL_LIBRARIES, and only the OpenMP cases run (PIXPOOL_BACKENDS).
  # ignore_noninstrumented_modules keeps libomp's own internals out, as
  # Archer asks; io_sync=0 stops TSan from treating file I/O as
  # synchronisation, which would hide races between threads that both
  # read and write images.
  B := build/tsan
  CC := clang
  OMP := -fopenmp=libomp
  SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
  ARCHER := $(firstword $(wildcard /usr/lib/llvm-*/lib/libarcher.so))
  export OMP_TOOL_LIBRARIES := $(ARCHER)
  export TSAN_OPTIONS := halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1 io_sync=0
  export PIXPOOL_BACKENDS := openmp
else ifeq ($(SAN),fuzz)
  # libFuzzer (clang's -fsanitize=fuzzer) over the decode path, with ASan and
  # UBSan: tests/fuzz/fuzz_decode.c. The objects are instrumented for
  # coverage (fuzzer-no-link); only the harness links libFuzzer's main.
  B := build/fuzz
  CC := clang
  OMP := -fopenmp=libomp
  SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
  STB_SANFLAGS := -fno-sanitize=shift
else ifeq ($(SAN),noclones)
  # Not a sanitizer, but another build of the same code: without the AVX2
  # copies that target_clones adds to the hot loops (filters.h, rank.c), so
  # the tests also cover the SSE2 code that CPUs without AVX2 run.
  B := build/noclones
  BUILD_DEFS := -DPIXPOOL_NO_CLONES
else
  $(error SAN must be empty, asan, tsan, noclones or fuzz)
endif
CPPFLAGS += $(BUILD_DEFS)
# Where the tests of this SAN build: build/check, or the sanitizer's folder.
TB := $(if $(SAN),$(B),build/check)

# The tests build with WERROR=1, so a warning fails them; a plain build only
# warns, so that a newer compiler's new warnings never stop a user's build.
WERROR ?=
ifeq ($(WERROR),1)
  WERROR_FLAG := -Werror
else ifneq ($(filter-out 0,$(WERROR)),)
  $(error WERROR must be 1, 0 or empty)
endif

ALL_CFLAGS  = $(WARN) $(WERROR_FLAG) $(CFLAGS) $(OMP) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(OMP) $(SANFLAGS)

SRC      := $(wildcard src/*.c src/*/*.c)
LIB_SRC  := $(filter-out src/cli/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

# bench prints the flags it was built with, so its figures say what they measured.
$(B)/obj/src/bench/machine.o: CPPFLAGS += \
	-DPIXPOOL_CFLAGS='"$(strip $(WARN) $(CFLAGS) $(OMP) $(SANFLAGS) $(BUILD_DEFS))"'

ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-6s %s\n' $(1) $(2)
endif

.PHONY: all run units test check check-units fuzz bench deps test-deps install uninstall clean FORCE
all: $(B)/pixpool

$(B)/pixpool: $(B)/obj/src/cli/main.o $(LIB_OBJ)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The flags the project's own code is compiled with, in a file rewritten only
# when they change, so that changing them recompiles it: above all WERROR,
# since an object compiled without -Werror may hold a warning that the tests
# would then never see. (git's GIT-CFLAGS does the same.) The flags are
# expanded here, once: a target's own additions (edge.o's) are not the build's.
FLAGS_FILE := $(B)/obj/flags
TRACKED_FLAGS := $(CC) $(CPPFLAGS) $(ALL_CFLAGS)
sq = $(subst ','\'',$(1))
$(FLAGS_FILE): FORCE
	@mkdir -p $(dir $@)
	@flags='$(call sq,$(TRACKED_FLAGS))'; \
	if [ x"$$flags" != x"$$(cat $@ 2>/dev/null)" ]; then printf '%s\n' "$$flags" >$@; fi

$(B)/obj/%.o: %.c Makefile $(FLAGS_FILE)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The Sobel magnitude's square root never sees a negative number; without
# errno to set, GCC vectorises it.
$(B)/obj/src/filter/edge.o: ALL_CFLAGS += -fno-math-errno

# The two files that compile stb itself (someone else's code, included
# whole) build with our flags but without our warning set; a static pattern
# rule, which make prefers to the general one above.
STB_OBJ := $(B)/obj/src/codec/stb.o $(B)/obj/src/codec/stb_jpeg.o
$(STB_OBJ): $(B)/obj/%.o: %.c src/codec/stb.h Makefile $(FLAGS_FILE) $(B)/obj/stb-checked
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(OMP) $(SANFLAGS) $(STB_SANFLAGS) -std=c11 -MMD -MP -c -o $@ $<

# stb.c uses stb_image's internals by name: the build stops, saying so,
# when the installed headers are not the version it was written against.
# STB_INCLUDE points the check elsewhere (the compiler still reads
# <stb/...>), which is how the check itself is tried on a doctored copy.
STB_INCLUDE ?= /usr/include/stb
$(B)/obj/stb-checked: third_party/check-stb.sh $(wildcard $(STB_INCLUDE)/stb_image.h $(STB_INCLUDE)/stb_image_write.h)
	@mkdir -p $(dir $@)
	$(Q)third_party/check-stb.sh $(STB_INCLUDE)
	@touch $@

$(B)/tests/%: tests/unit/%.c $(LIB_OBJ) $(FLAGS_FILE)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) -lcmocka $(LDLIBS)

$(B)/fuzz-decode: tests/fuzz/fuzz_decode.c $(LIB_OBJ) $(FLAGS_FILE)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(LDLIBS)

# A bounded fuzzing run (FUZZ_SECONDS, 60 by default) from the seeds, on a
# scratch copy of them so the tree never changes; fails on any finding,
# which libFuzzer leaves in build/fuzz/findings/.
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory SAN=fuzz WERROR=1 build/fuzz/fuzz-decode
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

$(B)/bench-filters: bench/filters.c $(LIB_OBJ) $(FLAGS_FILE)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

deps:
	@./third_party/install-deps.sh

test-deps:
	@./third_party/install-deps.sh --test

run: deps
	@$(MAKE) --no-print-directory all
	rm -rf out
	$(B)/pixpool -f grayscale,blur:sigma=1.5,resize:width=400 samples -o out

units: $(UNITS)

# The tests of one build (SAN= picks which), built so that a warning fails them.
check:
	@$(MAKE) --no-print-directory WERROR=1 CHECK=1 $(TB)/pixpool units
	@tests/run.sh $(TB)

check-units:
	@$(MAKE) --no-print-directory WERROR=1 CHECK=1 units
	@tests/run.sh $(TB) units

# The SSE2-only build differs from the plain one inside the filters alone,
# and the unit tests compare every filter with its reference there; the
# end-to-end scripts would take minutes more without reaching other code.
test: test-deps
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory check SAN=asan
	@$(MAKE) --no-print-directory check-units SAN=noclones
	@$(MAKE) --no-print-directory check SAN=tsan
	@$(MAKE) --no-print-directory fuzz

bench: deps
	@./third_party/install-deps.sh $(if $(filter 1,$(BENCH_COMPARE)),--compare,--bench)
	@$(MAKE) --no-print-directory all
	@bench/run.sh $(B)

# Where make install puts things: the binary, the manual page, and the bash
# completion where the bash-completion package looks for it, loaded the first
# time `pixpool` is completed. DESTDIR stages the tree for a package.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL     ?= install

# Installs what the build made, building it only if it is out of date: run
# `make` first as yourself, then `sudo make install` with the same variables,
# and nothing is compiled as root (the GNU standards ask the same of install).
install: $(B)/pixpool
	$(INSTALL) -D -m 755 $(B)/pixpool $(DESTDIR)$(BINDIR)/pixpool
	$(INSTALL) -D -m 644 doc/pixpool.1 $(DESTDIR)$(MANDIR)/man1/pixpool.1
	$(INSTALL) -D -m 644 completion/pixpool.bash $(DESTDIR)$(BASHCOMPDIR)/pixpool

# Removes the three files install made, and nothing else: the folders may hold
# other programs' files.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pixpool $(DESTDIR)$(MANDIR)/man1/pixpool.1 \
		$(DESTDIR)$(BASHCOMPDIR)/pixpool

clean:
	rm -rf build out

-include $(shell find build -name '*.d' 2>/dev/null)
