#!/bin/bash
# run.sh NAME [capture args...]: one capture into captures-NAME/
name=$1; shift
mkdir -p captures-$name && rm -f captures-$name/*
OUT=$PWD/captures-$name ALLOW_CREDENTIALS=${ALLOW_CREDENTIALS:-true} node server.js > server-$name.log 2>&1 &
pid=$!
sleep 1
timeout 120 node capture.js "$@" 2>&1 | grep -v "Usermaven Debug" > capture-$name.log
kill $pid
