#!/bin/sh
# Record Debian's exiqsumm (exim4-base 4.96) on exiqsumm.in, one file per
# option set; test_queue_utils.py runs util/exiqsumm the same way.
cd "$(dirname "$0")"
for o in none -a -c -b -f -s; do
  if [ $o = none ]; then /usr/sbin/exiqsumm < exiqsumm.in > exiqsumm_none.out
  else /usr/sbin/exiqsumm $o < exiqsumm.in > exiqsumm$o.out; fi
done
/usr/sbin/exiqsumm < /dev/null > exiqsumm_empty.out
