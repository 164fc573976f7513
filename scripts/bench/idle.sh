# Sourced by the benchmark scripts: wait_for_idle waits until the CPU is at least 95% idle, so
# figures are not taken while other jobs run on this shared 2-core machine; it gives up with a
# warning after IDLE_TRIES samples of two seconds (default 60: two minutes).
wait_for_idle() {
    local idle=unknown
    for _ in $(seq 1 "${IDLE_TRIES:-60}"); do
        idle=$(vmstat 2 2 | tail -1 | awk '{print $15}')
        if [ "$idle" -ge 95 ]; then return; fi
    done
    echo "warning: the CPU is busy (idle ${idle}%, IDLE_TRIES=${IDLE_TRIES:-60}); figures will be noisy" >&2
}
