# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean

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
	@echo "--- forecasting corpora/series/seasonal.csv: LSTM over 48 past values, about ten seconds:"
	@$(LSTMKIT) series train --csv corpora/series/seasonal.csv --window 48 --hidden 64 --epochs 15 \
		--threads 1 --out $(DEMO_DIR)/series
	@echo "--- 48-step forecast after value 2900, scored against the file's values 2901-2948:"
	@$(LSTMKIT) series predict --model $(DEMO_DIR)/series --csv corpora/series/seasonal.csv \
		--from 2900 --steps 48 --summary-only --plot $(DEMO_DIR)/series/forecast.svg

# Unit tests build in debug: keep them single-threaded (oneDNN/OpenMP) and small.
test: bootstrap
	OMP_NUM_THREADS=1 $(SWIFT) test

clean:
	rm -rf .build
