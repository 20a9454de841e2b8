# fleetmux: one Makefile, pkg-config for every dependency.
# Targets: all test demo asan install uninstall lint clean fuzz bench

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc

PKGS := ncursesw vterm libwebsockets libuv libcurl libcjson inih libcrypto libssl yaml-0.1
PKGS_TEST := cmocka

WARN := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
ifneq ($(CI),)
WARN += -Werror
endif
OPT ?= -O2 -g
SAN ?=
# No install path is compiled in: the programs find their data beside
# themselves (src/core/datadir.c), so PREFIX matters to install alone.
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(SAN) $(WARN) -Iinclude \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lutil -lm
LIBS_TEST = $(shell pkg-config --libs $(PKGS_TEST) 2>/dev/null)

CORE_SRC := $(wildcard src/core/*.c src/proto/*.c)
SIM_SRC := $(filter-out src/sim/main.c,$(wildcard src/sim/*.c))
APP_SRC := $(wildcard src/net/*.c src/provider/*.c src/server/*.c src/term/*.c src/ui/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJ := $(call obj,$(CORE_SRC))
SIM_OBJ := $(call obj,$(SIM_SRC))
APP_OBJ := $(call obj,$(APP_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

PROGRAMS := $(BUILD)/fleetsim
ifneq ($(wildcard src/main.c),)
PROGRAMS += $(BUILD)/fleetmux
endif

.PHONY: all test demo asan install uninstall lint clean deps deps-test unit fuzz bench
all: deps $(PROGRAMS)

# Install missing Debian packages once, only when pkg-config misses any.
deps:
	@pkg-config --exists $(PKGS) || scripts/deps.sh build
deps-test:
	@scripts/deps.sh test

# (after deps: with -j a fresh machine would compile before its headers are installed)
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# An archive with no members is just its magic line.
archive = @mkdir -p $(dir $@); rm -f $@; if [ -n "$^" ]; then ar rcs $@ $^; \
	else printf '!<arch>\n' > $@; fi

$(BUILD)/libfm.a: $(CORE_OBJ)
	$(archive)
$(BUILD)/libsim.a: $(SIM_OBJ)
	$(archive)
$(BUILD)/libapp.a: $(APP_OBJ)
	$(archive)

$(BUILD)/fleetsim: $(BUILD)/src/sim/main.o $(BUILD)/libsim.a $(BUILD)/libfm.a
	$(CC) $(OPT) $(SAN) -o $@ $^ $(LIBS)

$(BUILD)/fleetmux: $(BUILD)/src/main.o $(BUILD)/libapp.a $(BUILD)/libfm.a
	$(CC) $(OPT) $(SAN) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libapp.a $(BUILD)/libsim.a $(BUILD)/libfm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS) $(LIBS_TEST)

# A driver of the providers' logs and metrics for the integration tests.
TOOLS := $(BUILD)/fmwatch
$(BUILD)/fmwatch: tests/tools/fmwatch.c $(BUILD)/libapp.a $(BUILD)/libfm.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS)

unit: deps $(UNIT_BIN) $(TOOLS)

test: deps-test all unit
	BUILD=$(BUILD) tests/run.sh

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test

# libFuzzer over the parsers, FUZZ_SECONDS each run (CI runs them briefly).
FUZZ_SECONDS ?= 60
# Figures side by side with tmux, through a PTY harness (tests/bench): printed
# as a table, never passed or failed. BENCH_ARGS, e.g. "--only throughput
# --repeat 1"; "--markdown FILE" also writes the table with the machine.
bench: deps-test all $(BUILD)/logemit
	BUILD=$(BUILD) /usr/bin/python3 tests/bench/bench.py $(BENCH_ARGS)

# The merged-logs benchmark's containers: lines at a steady rate, each with
# its sequence number and the time it was written.
$(BUILD)/logemit: tests/bench/logemit.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $<

# One libFuzzer target for the parsers of network and file input, one for the
# pane path (bytes -> libvterm -> an off-screen ncurses window); each runs
# FUZZ_SECONDS over its seeds and regressions.
FUZZ_TARGETS := proto pane
fuzz: deps
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" build-fuzz/libfm.a build-fuzz/libapp.a
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus-$$t && \
		clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=undefined -Iinclude \
			$(shell pkg-config --cflags $(PKGS)) tests/fuzz/fuzz_$$t.c \
			build-fuzz/libapp.a build-fuzz/libfm.a $(LIBS) -o build-fuzz/fuzz_$$t && \
		echo "fuzz_$$t: $(FUZZ_SECONDS) s" && \
		build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
			-rss_limit_mb=2048 build-fuzz/corpus-$$t tests/fuzz/$$t/seeds \
			tests/fuzz/$$t/regressions || exit 1; \
	done

# README.md's and fleetmux(1)'s key tables, written from the key tables
# (test_keyhelp fails when they say anything else).
.PHONY: keydoc
keydoc: deps $(BUILD)/keydoc
	$(BUILD)/keydoc README.md man/fleetmux.1
$(BUILD)/keydoc: tools/keydoc.c $(BUILD)/libapp.a $(BUILD)/libfm.a
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LIBS)

demo: all
	scripts/demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fleetmux/themes \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/fleetmux.1 man/fleetsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 tests/fixtures/demo-fleet.json $(DESTDIR)$(PREFIX)/share/fleetmux/
	@if ls themes/*.theme >/dev/null 2>&1; then \
		install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/fleetmux/themes/; fi

# What install put there, and the directories it made when nothing else is
# in them.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(PROGRAMS))) \
		$(DESTDIR)$(PREFIX)/share/man/man1/fleetmux.1 $(DESTDIR)$(PREFIX)/share/man/man1/fleetsim.1 \
		$(DESTDIR)$(PREFIX)/share/fleetmux/demo-fleet.json \
		$(addprefix $(DESTDIR)$(PREFIX)/share/fleetmux/,$(wildcard themes/*.theme))
	rmdir $(DESTDIR)$(PREFIX)/share/fleetmux/themes $(DESTDIR)$(PREFIX)/share/fleetmux 2>/dev/null || true

lint:
	clang-tidy --quiet $(CORE_SRC) $(SIM_SRC) $(APP_SRC) -- $(CFLAGS_ALL)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--suppress=missingIncludeSystem -Iinclude src

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
