// The Training target: trainers, checkpoints, metrics, progress and plots.
