# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product lstmkit

# The main jobs on the shipped corpora: tokenize corpora/toy-en and build its vocabulary; train
# the toy English -> French translator and show what it learned.
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
	@echo "--- toy translation: train English -> French on corpora/toy-en-fr (5 epochs, a couple of minutes)"
	@rm -rf $(DEMO_DIR)/toy-en-fr
	@$(LSTMKIT) translate train --train corpora/toy-en-fr/train --valid corpora/toy-en-fr/valid --src en --tgt fr \
		--out $(DEMO_DIR)/toy-en-fr --epochs 5 --embedding 64 --hidden 64 --decoder-hidden 128 --dropout 0.1 --lr 0.003
	@echo "--- three test sentences, their translations and attention (source across, target down):"
	@head -n 3 corpora/toy-en-fr/test.en | $(LSTMKIT) translate --model $(DEMO_DIR)/toy-en-fr --align 2>&1 >/dev/null
	@echo "--- test BLEU (beam 5, detokenized output, sacreBLEU's score):"
	@$(LSTMKIT) translate eval --model $(DEMO_DIR)/toy-en-fr --src corpora/toy-en-fr/test.en --ref corpora/toy-en-fr/test.fr

# Unit tests build in debug: keep them single-threaded (oneDNN/OpenMP) and small.
test: bootstrap
	OMP_NUM_THREADS=1 $(SWIFT) test

clean:
	rm -rf .build
