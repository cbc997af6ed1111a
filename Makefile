# Top-level Makefile.  Targets:
#   make            build $(BUILD)/exim and the C utilities (settings: src/EDITME,
#                   then OS/Makefile-<OS>, then $(LOCAL_MAKEFILE) when it exists)
#   make test       util/install-deps, build, then test/run (unit + black-box)
#   make asan       the same suite against an ASan+UBSan build in build-asan/
#   make run        arrives with local delivery (fails with a message for now)
#   make install    install under $(DESTDIR)$(BIN_DIRECTORY)
#   make config     only check the settings and generate $(BUILD)/modules.*
#   make clean      remove build/, build-asan/, build-min/, build-full/ (with
#                   BUILD=dir on the command line: only that directory)
# Variables: BUILD=dir (default build), LOCAL_MAKEFILE=file (default
# Local/Makefile), SANITIZE=address,undefined (remembered per BUILD dir).
# Example: make BUILD=build-min LOCAL_MAKEFILE=Local/Makefile.minimal
# See README and doc/build.txt.  This file never edits anything under src/.

.DEFAULT_GOAL := all
BUILD          ?= build
LOCAL_MAKEFILE ?= Local/Makefile
PERL           ?= perl
OSTYPE         := $(shell uname -s)

# Defaults first, then the system's fragment, then the packager's choices.
include src/EDITME
-include OS/Makefile-$(OSTYPE)
ifneq ($(origin LOCAL_MAKEFILE),file)
ifeq ($(wildcard $(LOCAL_MAKEFILE)),)
$(error LOCAL_MAKEFILE=$(LOCAL_MAKEFILE) does not exist; give an existing file, e.g. Local/Makefile.full)
endif
endif
-include $(LOCAL_MAKEFILE)

CC       ?= gcc
# A build directory remembers the sanitizers it was built with, so that
# test/run and later makes link its unit tests the same way.
SANITIZE ?= $(strip $(file <$(BUILD)/sanitize.txt))
OPTFLAGS ?= $(if $(SANITIZE),-O1,-O2)
SAN_FLAGS = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer)
WARNFLAGS = -Wall -Wextra -Wno-unused-parameter -Wshadow=local -Wformat=2 -Wno-format-nonliteral
CFLAGS_ALL = -std=gnu11 $(OPTFLAGS) -g $(WARNFLAGS) $(OS_CFLAGS) $(SAN_FLAGS) \
             -I$(BUILD) -Isrc $(CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL = $(SAN_FLAGS) $(LDFLAGS) $(EXTRA_LDFLAGS)

# Goals that do no building themselves (test and asan first run install-deps,
# then a sub-make builds): no parse-time generation or library checks.
NO_BUILD_GOALS := clean run test asan
ifneq ($(filter-out $(NO_BUILD_GOALS),$(or $(MAKECMDGOALS),all)),)

# ---- settings -> generator ---------------------------------------------------
# Every setting the generator knows (flags, aliases, EDITME settings), plus any
# flag-like variable set in Local/Makefile or on the command line (so that a
# misspelt flag is reported instead of ignored), one NAME=value a line.
FLAG_NAMES := $(shell $(PERL) util/genmodules --list-flags src/modules.def)
FLAG_LIKE  := $(foreach v,$(filter EXPERIMENTAL_% SUPPORT_% DISABLE_% LOOKUP_% ROUTER_% \
                 TRANSPORT_% AUTH_% USE_% WITH_% EXIM_% ENABLE_%,$(.VARIABLES)),\
                 $(if $(findstring file,$(origin $(v)))$(findstring command,$(origin $(v))),$(v)))
define NL


endef
FLAG_TEXT := $(subst $(NL) ,$(NL),$(foreach f,$(sort $(FLAG_NAMES) $(FLAG_LIKE)),$(f)=$(strip $($(f)))$(NL)))
$(shell mkdir -p $(BUILD)/obj)
$(file >$(BUILD)/flags.new,$(FLAG_TEXT))
$(shell cmp -s $(BUILD)/flags.new $(BUILD)/flags.txt || mv $(BUILD)/flags.new $(BUILD)/flags.txt; \
        rm -f $(BUILD)/flags.new)
ifneq ($(SANITIZE),$(strip $(file <$(BUILD)/sanitize.txt)))
$(file >$(BUILD)/sanitize.txt,$(SANITIZE))
endif

# The generator runs at parse time when its inputs changed; a refusal stops
# make with the generator's one line.
GEN_ERR := $(shell s=$(BUILD)/gen.stamp; \
  if [ ! -f $$s ] || [ src/modules.def -nt $$s ] || [ util/genmodules -nt $$s ] || \
     [ src/EDITME -nt $$s ] || [ $(BUILD)/flags.txt -nt $$s ] || [ ! -f $(BUILD)/modules.mk ]; then \
    $(PERL) util/genmodules --out $(BUILD) --flags $(BUILD)/flags.txt --cc "$(CC)" src/modules.def \
      2>&1 >/dev/null && touch $$s; fi)
ifneq ($(GEN_ERR),)
$(error $(GEN_ERR))
endif
include $(BUILD)/modules.mk

# Libraries every build links: PCRE2 (regular expressions) and OpenSSL's
# libcrypto (digests for the expansion operators and hints), libxcrypt
# (crypt(3) for the crypteq condition), Berkeley DB (hints databases).
CORE_PKGS   := libpcre2-8 libcrypto libxcrypt
CORE_LIBS   := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)
ifeq ($(CORE_LIBS),)
$(error the core libraries ($(CORE_PKGS)) are missing: run util/install-deps)
endif
MODULE_CFLAGS += $(shell pkg-config --cflags $(CORE_PKGS))
# Berkeley DB (no pkg-config file): the hints databases (src/hints); libm;
# glibc's libresolv (the DNS layer, src/dns).
CORE_LIBS   += -ldb -lm -lresolv
endif

# ---- sources ------------------------------------------------------------------
ALL_SRCS    := $(shell find src -name '*.c' | LC_ALL=C sort)
UTIL_MAINS  := $(wildcard src/util/*.c)
CORE_SRCS   := $(filter-out $(MODULE_FILES_ALL) $(UTIL_MAINS),$(ALL_SRCS))
PROG_SRCS   := $(CORE_SRCS) $(MODULE_SRCS)
PROG_OBJS   := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(PROG_SRCS)) $(BUILD)/obj/modules.o
LIB_OBJS    := $(filter-out $(BUILD)/obj/main/main.o,$(PROG_OBJS)) $(BUILD)/obj/buildinfo.o
UTILS       := $(patsubst src/util/%.c,$(BUILD)/%,$(UTIL_MAINS))
# Perl utilities (spec 54): copied beside exim, which they run by default.
QUEUE_SCRIPTS := $(BUILD)/exiqgrep $(BUILD)/exiqsumm $(BUILD)/exipick
UNIT_SRCS   := $(wildcard test/unit/test_*.c)
UNIT_BINS   := $(patsubst test/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
LIBS_ALL    := $(MODULE_LIBS) $(CORE_LIBS) $(OS_LIBS)

# Objects are rebuilt when the compiler flags change.
CFLAGS_TEXT := $(strip $(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS))
ifneq ($(CFLAGS_TEXT),$(strip $(file <$(BUILD)/cflags.txt)))
$(if $(filter-out $(NO_BUILD_GOALS),$(or $(MAKECMDGOALS),all)),$(file >$(BUILD)/cflags.txt,$(CFLAGS_TEXT)))
endif

.PHONY: all config unit test asan run install clean bench
all: $(BUILD)/exim $(UTILS) $(QUEUE_SCRIPTS)

$(QUEUE_SCRIPTS): $(BUILD)/%: util/%
	@mkdir -p $(BUILD)
	install -m 755 $< $@

# Only the configuration step: check the settings, generate $(BUILD)/modules.*
# and config.h (parse time did it), compile nothing.
config:
	@echo "$(BUILD): settings accepted, modules.mk, modules.c and config.h generated"

# The build number and date (as -bV shows them) are made at each link;
# SOURCE_DATE_EPOCH makes the date reproducible.
$(BUILD)/exim: $(PROG_OBJS)
	@n=$$(( $$(cat $(BUILD)/buildnum 2>/dev/null || echo 0) + 1 )); echo $$n > $(BUILD)/buildnum; \
	d=$$(LC_ALL=C date $${SOURCE_DATE_EPOCH:+-u -d @$$SOURCE_DATE_EPOCH} '+%d-%b-%Y %H:%M:%S'); \
	printf '/* generated at link time by the Makefile */\nconst char version_build_number[] = "%s";\nconst char version_build_date[] = "%s";\n' \
	  "$$n" "$$d" > $(BUILD)/buildinfo.c
	$(CC) $(CFLAGS_ALL) -c -o $(BUILD)/obj/buildinfo.o $(BUILD)/buildinfo.c
	$(CC) $(CFLAGS_ALL) -o $(BUILD)/exim $(PROG_OBJS) $(BUILD)/obj/buildinfo.o $(LDFLAGS_ALL) $(LIBS_ALL)

$(BUILD)/obj/%.o: src/%.c $(BUILD)/config.h $(BUILD)/cflags.txt
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/modules.o: $(BUILD)/modules.c $(BUILD)/cflags.txt
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -MMD -MP -c -o $@ $<

# C utilities: each src/util/NAME.c has its own main() and links the core.
$(BUILD)/%: src/util/%.c $(BUILD)/exim
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS_ALL) $(LIBS_ALL)

# C unit tests: test/unit/test_X.c linked against the objects (not main.o).
unit: $(UNIT_BINS)
$(BUILD)/unit/%: test/unit/%.c $(BUILD)/exim
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS_ALL) $(LIBS_ALL)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- suite ----------------------------------------------------------------------
test:
	util/install-deps
	$(MAKE) --no-print-directory BUILD=$(BUILD) all unit
	BUILD=$(BUILD) EXIM=$(abspath $(BUILD))/exim test/run

ASAN_DIR = build-asan
asan:
	util/install-deps
	$(MAKE) --no-print-directory BUILD=$(ASAN_DIR) SANITIZE=address,undefined all unit
	BUILD=$(ASAN_DIR) EXIM=$(abspath $(ASAN_DIR))/exim SANITIZER_LOGS=$(abspath $(ASAN_DIR))/sanitizer test/run

# Benchmarks (test/bench/README): numbers, not pass/fail.
bench: all
	for b in test/bench/*.py; do $$b --exim $(abspath $(BUILD))/exim || exit 1; done

# A loopback MTA in the foreground with util/run.conf.in (see README).
run:
	util/install-deps
	$(MAKE) --no-print-directory BUILD=$(BUILD) all
	EXIM=$(abspath $(BUILD))/exim util/run-local

install: all
	install -d $(DESTDIR)$(BIN_DIRECTORY)
	install -m 4755 $(BUILD)/exim $(DESTDIR)$(BIN_DIRECTORY)/exim
	@for u in $(UTILS) $(QUEUE_SCRIPTS); do echo "install -m 755 $$u $(DESTDIR)$(BIN_DIRECTORY)/"; \
	  install -m 755 $$u $(DESTDIR)$(BIN_DIRECTORY)/ || exit 1; done

# BUILD=dir on the command line: only that directory.
clean:
	rm -rf $(if $(filter command line,$(origin BUILD)),$(BUILD),build build-asan build-min build-full)
