# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean check-repl

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product lstmkit

# The main job on the shipped corpus: for now, tokenize corpora/toy-en and build its vocabulary.
DEMO_DIR = runs/demo
demo: build
	@$(LSTMKIT) version
	@echo "--- three sentences of corpora/toy-en/train.txt, tokenized:"
	@head -n 3 corpora/toy-en/train.txt | $(LSTMKIT) tokenize
	@mkdir -p $(DEMO_DIR)
	@echo "--- vocabulary of corpora/toy-en/train.txt (<eos> at each line end):"
	@$(LSTMKIT) vocab build corpora/toy-en/train.txt --eos -o $(DEMO_DIR)/vocab.tsv
	@echo "--- that vocabulary on corpora/toy-en/valid.txt:"
	@$(LSTMKIT) vocab stats --vocab $(DEMO_DIR)/vocab.tsv corpora/toy-en/valid.txt --eos --top 5

# Unit tests build in debug: keep them single-threaded (oneDNN/OpenMP) and small.
test: bootstrap
	OMP_NUM_THREADS=1 $(SWIFT) test

# The REPL on a real terminal (tmux): prompt, predictions, history, Tab, Ctrl-D and Ctrl-C.
check-repl: bootstrap
	$(SWIFT) build --product lstmkit
	scripts/check_repl_tmux.sh

clean:
	rm -rf .build
