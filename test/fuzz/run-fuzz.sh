#!/bin/bash
# run-fuzz.sh - build the expansion fuzz target with clang's libFuzzer and
# run it for a while (default 60 s) over test/fuzz/corpus_expand.
#   test/fuzz/run-fuzz.sh [seconds]
# FUZZ_TARGET=smtp_in picks test/fuzz/fuzz_smtp_in.c and corpus_smtp_in
# instead (default: expand).
# Objects are built with the same make, in build-fuzz/, instrumented for
# coverage and address/undefined sanitizers.  Crashes are left as
# build-fuzz/crash-* files; copy a fixed one into the corpus.
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-60}
T=${FUZZ_TARGET:-expand}
B=build-fuzz
make --no-print-directory -s BUILD=$B CC=clang SANITIZE=address,undefined,fuzzer-no-link all
OBJS=$(find $B/obj -name '*.o' ! -path "$B/obj/main/main.o")
LIBS=$(make --no-print-directory -s BUILD=$B -f Makefile -f - print-libs <<<'print-libs: ; @echo $(LIBS_ALL)')
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -I$B -Isrc \
  -o $B/fuzz_$T test/fuzz/fuzz_$T.c $OBJS $LIBS
mkdir -p $B/corpus_$T
exec $B/fuzz_$T -max_total_time="$SECS" -max_len=4096 -artifact_prefix=$B/ \
  $B/corpus_$T test/fuzz/corpus_$T
