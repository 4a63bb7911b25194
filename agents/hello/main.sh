#!/bin/sh
# The example agent: says hello every ten seconds.
while true; do echo "hello from $(hostname)"; sleep 10; done
