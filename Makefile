# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean

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

clean:
	rm -rf .build
