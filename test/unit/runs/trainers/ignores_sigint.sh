#!/bin/sh
# A stand-in trainer that ignores SIGINT (like a trainer busy in a C extension that never checks
# for KeyboardInterrupt); SIGTERM ends it. With --ignore-term it ignores SIGTERM too, so only
# SIGKILL ends it. Prints its pid, then a line every 50 ms.
if [ "$1" = "--ignore-term" ]; then trap '' INT TERM; else trap '' INT; fi
echo "pid $$"
i=0
while :; do
  i=$((i + 1))
  echo "tick $i"
  sleep 0.05
done
