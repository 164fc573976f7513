# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean check-repl

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product lstmkit

# The main job on the shipped corpus.
demo: build
	$(LSTMKIT) version

# Unit tests build in debug: keep them single-threaded (oneDNN/OpenMP) and small.
test: bootstrap
	OMP_NUM_THREADS=1 $(SWIFT) test

# The REPL on a real terminal (tmux): prompt, predictions, history, Tab, Ctrl-D and Ctrl-C.
check-repl: bootstrap
	$(SWIFT) build --product lstmkit
	scripts/check_repl_tmux.sh

clean:
	rm -rf .build
