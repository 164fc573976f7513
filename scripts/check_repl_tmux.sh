#!/usr/bin/env bash
# Checks the interactive REPL on a real terminal: runs it inside tmux, types with send-keys, reads
# the screen with capture-pane, and checks that the prompt and the predictions appear, that Up
# recalls the last line (within a session and from the history file in the next), that Tab
# completes a command, that Ctrl-D and Ctrl-C at the prompt leave with status 0, and that the
# terminal is left in its normal mode.
#
#   scripts/check_repl_tmux.sh                                   # the demo bigram table (a testing aid)
#   scripts/check_repl_tmux.sh .build/release/lstmkit repl --model runs/ptb-small
#   PROMPT_TEXT='the company' scripts/check_repl_tmux.sh ...      # what to type (default: the stock)
#   CHECK_TIMEOUT=60 scripts/check_repl_tmux.sh ...              # seconds to wait per check (default 20)
#
# The command gets a private history file (LSTMKIT_HISTORY) and runs on a private tmux server,
# so neither ~/.lstmkit_history nor your tmux sessions are touched. Exit status 0 when every
# check passes; on a failure the screen is printed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
prompt_text="${PROMPT_TEXT:-the stock}"
if [ $# -eq 0 ]; then
    if [ ! -x "$root/.build/debug/lstmkit" ]; then (cd "$root" && swift build --product lstmkit >/dev/null); fi
    set -- "$root/.build/debug/lstmkit" repl --demo-model bigram --k 5
fi
command -v tmux >/dev/null || { echo "check_repl_tmux: tmux is not installed (apt-get install tmux)" >&2; exit 1; }

work="$(mktemp -d)"
server="lstmkit-check-$$"
tmux_() { tmux -L "$server" -f /dev/null "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

quoted="$(printf '%q ' "$@")"
failures=0
pass() { echo "PASS  $1"; }
fail() {
    echo "FAIL  $1"
    echo "----- screen -----"
    tmux_ capture-pane -p -t check 2>/dev/null | sed '/^$/d' | tail -25
    echo "------------------"
    failures=$((failures + 1))
}

# The whole visible screen, without trailing blank lines.
screen() { tmux_ capture-pane -p -t check | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
last_line() { screen | tail -n 1; }

# wait_for DESCRIPTION TEST...: polls the screen (up to CHECK_TIMEOUT seconds, default 20) until
# TEST (a command reading the screen on standard input) succeeds.
wait_for() {
    local what="$1"; shift
    for _ in $(seq 1 $(( ${CHECK_TIMEOUT:-20} * 10 ))); do
        if screen | "$@" >/dev/null 2>&1; then pass "$what"; return 0; fi
        sleep 0.1
    done
    fail "$what"
    return 1
}

# Starts the command in a fresh session; after it ends the pane prints its status and whether
# the terminal is back in canonical mode with echo, then stays open to be read.
start() {
    tmux_ kill-session -t check 2>/dev/null || true
    tmux_ new-session -d -s check -x 110 -y 45 \
        "LSTMKIT_HISTORY='$work/history' $quoted; echo \"__EXIT__ \$?\"; \
         stty -a | grep -q -- ' icanon' && stty -a | grep -q -- ' echo ' && echo __TTY_SANE__; sleep 600"
}

# capture-pane drops trailing spaces: the empty prompt "> " reads as ">".
prompt_shown() { tail -n 1 | grep -qx '> *'; }

# Session 1: predictions, history recall, Tab, Ctrl-D.
start
wait_for "the prompt appears" prompt_shown || true
tmux_ send-keys -t check -l "$prompt_text"
tmux_ send-keys -t check Enter
wait_for "predictions for '$prompt_text' appear (header, then rows with a percentage and a bar)" \
    grep -Pzo "(^|\n)[^\n]*\Q$prompt_text\E →\n  \S[^\n]* +[0-9<.]+%  [█▏▎▍▌▋▊▉]" || true
wait_for "the prompt comes back" prompt_shown || true
tmux_ send-keys -t check Up
wait_for "Up recalls the line" sh -c "tail -n 1 | grep -qxF '> $prompt_text'" || true
tmux_ send-keys -t check C-u
tmux_ send-keys -t check -l ":hel"
tmux_ send-keys -t check Tab
wait_for "Tab completes a command" sh -c "tail -n 1 | grep -qx '> :help *'" || true
tmux_ send-keys -t check Enter
wait_for ":help lists the commands" grep -q ':score SENTENCE' || true
wait_for "the prompt comes back after :help" prompt_shown || true
tmux_ send-keys -t check C-d
wait_for "Ctrl-D leaves with status 0" grep -q '__EXIT__ 0' || true
wait_for "the terminal is back in its normal mode (icanon, echo)" grep -q '__TTY_SANE__' || true

# Session 2: the history file, Ctrl-C.
start
wait_for "a new session shows the prompt" prompt_shown || true
tmux_ send-keys -t check Up Up
wait_for "Up recalls the previous session's line from the history file" sh -c "tail -n 1 | grep -qxF '> $prompt_text'" || true
sleep 0.2
tmux_ send-keys -t check C-c
wait_for "Ctrl-C at the prompt leaves with status 0" grep -q '__EXIT__ 0' || true
wait_for "Ctrl-C leaves the typed line drawn once, then a new line" \
    sh -c "grep -B1 '__EXIT__' | head -n 1 | grep -qx '> $prompt_text *'" || true
wait_for "the terminal is back in its normal mode after Ctrl-C" grep -q '__TTY_SANE__' || true

if [ "$failures" -eq 0 ]; then
    echo "check_repl_tmux: all checks passed ($*)"
else
    echo "check_repl_tmux: $failures check(s) failed ($*)" >&2
    exit 1
fi
