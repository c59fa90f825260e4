#!/bin/sh
# Writes LINES log lines as fast as it can (a log growing fast), then a native metrics line.
n=$1
yes "flood line with some text to make it longer than a few bytes 0123456789" | head -n "$n"
echo '{"step": 1, "metrics": {"loss": 0.25}}'
