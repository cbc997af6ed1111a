# Top-level Makefile.  Targets:
#   make            build build/exim and the C utilities (settings: src/EDITME,
#                   overridden by Local/Makefile when it exists)
#   make test       install what is missing, build, run the whole suite
#   make asan       the same suite against an ASan+UBSan build in build-asan/
#   make run        (arrives with local delivery) start a loopback MTA
#   make install    install under DESTDIR
#   make clean
# See README and doc/build.txt.

.DEFAULT_GOAL := all
BUILD    ?= build
PERL     ?= perl
PYTHON   ?= /usr/bin/python3

# Defaults first, then the packager's choices.
include src/EDITME
-include Local/Makefile

CC       ?= gcc
OPTFLAGS ?= -O2
WARNFLAGS = -Wall -Wextra -Wno-unused-parameter -Wshadow=local -Wformat=2 -Wno-format-nonliteral
CFLAGS_ALL = -std=gnu11 $(OPTFLAGS) -g $(WARNFLAGS) -D_GNU_SOURCE -I$(BUILD) -Isrc $(CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL = $(LDFLAGS) $(EXTRA_LDFLAGS)

# Every flag modules.def mentions, with its value from EDITME/Local/Makefile,
# is handed to the generator; the file changes only when a value changes.
FLAG_NAMES := $(shell $(PERL) util/genmodules --list-flags src/modules.def)
FLAG_TEXT  := $(foreach f,$(FLAG_NAMES),$(f)=$($(f)))

$(shell mkdir -p $(BUILD)/obj)
$(shell printf '%s\n' $(FLAG_TEXT) > $(BUILD)/flags.new; \
        cmp -s $(BUILD)/flags.new $(BUILD)/flags.txt || mv $(BUILD)/flags.new $(BUILD)/flags.txt; \
        rm -f $(BUILD)/flags.new)

GENERATED = $(BUILD)/modules.mk $(BUILD)/modules.c $(BUILD)/config.h
$(GENERATED) &: src/modules.def util/genmodules $(BUILD)/flags.txt
	@$(PERL) util/genmodules --out $(BUILD) --flags $(BUILD)/flags.txt --cc "$(CC)" src/modules.def

include $(BUILD)/modules.mk

ALL_SRCS    := $(shell find src -name '*.c' | LC_ALL=C sort)
UTIL_MAINS  := $(wildcard src/util/*.c)
CORE_SRCS   := $(filter-out $(MODULE_FILES_ALL) $(UTIL_MAINS),$(ALL_SRCS))
PROG_SRCS   := $(CORE_SRCS) $(MODULE_SRCS)
PROG_OBJS   := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(PROG_SRCS)) $(BUILD)/obj/modules.o

.PHONY: all test asan run install clean unit
all: $(BUILD)/exim

$(BUILD)/exim: $(PROG_OBJS)
	$(CC) $(CFLAGS_ALL) -o $@ $(PROG_OBJS) $(LDFLAGS_ALL) $(MODULE_LIBS)

$(BUILD)/obj/%.o: src/%.c $(BUILD)/config.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/modules.o: $(BUILD)/modules.c
	$(CC) $(CFLAGS_ALL) $(MODULE_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

clean:
	rm -rf build build-asan
