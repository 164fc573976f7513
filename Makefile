# Two commands do all the set-up: `make demo` and `make test` (see README.md).
SWIFT ?= swift
LSTMKIT = .build/release/lstmkit

.PHONY: demo test build bootstrap clean check-repl fuzz check-crash-safety check-interrupt

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product lstmkit

# The main job: train a small LSTM language model on corpora/toy-en (about a minute on two
# cores), then ask it for the next word after prompts whose verb must agree with a subject
# several words back; train a small BiLSTM fill-in-the-blank model on the same corpus and let
# the words after a blank decide it; forecast a seasonal series; train the toy English -> French
# translator and show its translations and alignments. The runs/demo* folders are the demo's own and are
# replaced each time.
DEMO_DIR = runs/demo
DEMO_PROMPTS = 'the keys to the old cabinet\n:reset\nthe key to the old cabinets\n:reset\nthe doctors who see the princess\n:reset\nthe doctor who sees the princesses\n:reset\nmy aunts behind the tall fox\n'
demo: build
	@rm -rf $(DEMO_DIR) $(DEMO_DIR)-cloze $(DEMO_DIR)-series $(DEMO_DIR)-translate
	$(LSTMKIT) train --corpus corpora/toy-en --out $(DEMO_DIR) --hidden 128 --layers 2 --dropout 0.2 --epochs 6 --log-every 100
	@echo "--- next-word predictions (the verb must agree with the subject, not the nearest noun):"
	@printf $(DEMO_PROMPTS) | $(LSTMKIT) repl --model $(DEMO_DIR) --k 3
	@echo "--- a sampled continuation:"
	@$(LSTMKIT) generate --model $(DEMO_DIR) --prompt "the" --words 25 --seed 7
	@echo "--- training curves: $(DEMO_DIR)/curves.svg   metrics: $(DEMO_DIR)/metrics.jsonl"
	@echo "--- explore it yourself: $(LSTMKIT) repl --model $(DEMO_DIR)"
	@echo "--- fill in the blank: a BiLSTM cloze model reads both sides of the blank (about 20 seconds to train):"
	@$(LSTMKIT) train --task cloze --corpus corpora/toy-en --out $(DEMO_DIR)-cloze --hidden 96 --embedding 96 \
		--projection 96 --layers 1 --dropout 0.1 --epochs 4 --log-every 100
	@echo "--- the verb after the blank decides the number of the noun in it:"
	@$(LSTMKIT) fill --model $(DEMO_DIR)-cloze --k 3 "the ___ near the old doors sings ." "the ___ near the old door sing ."
	@echo "--- the agreement items of corpora/toy-en, cloze model against the language model (first lines):"
	@$(LSTMKIT) fill-eval --model $(DEMO_DIR)-cloze --compare $(DEMO_DIR) corpora/toy-en/agreement.tsv | head -n 10
	@echo "--- forecasting corpora/series/seasonal.csv: LSTM over 48 past values, about ten seconds:"
	@$(LSTMKIT) series train --csv corpora/series/seasonal.csv --window 48 --hidden 64 --epochs 15 \
		--threads 1 --out $(DEMO_DIR)-series
	@echo "--- 48-step forecast after value 2900, scored against the file's values 2901-2948:"
	@$(LSTMKIT) series predict --model $(DEMO_DIR)-series --csv corpora/series/seasonal.csv \
		--from 2900 --steps 48 --summary-only --plot $(DEMO_DIR)-series/forecast.svg
	@echo "--- toy translation: train English -> French on corpora/toy-en-fr (5 epochs, a couple of minutes)"
	@$(LSTMKIT) translate train --train corpora/toy-en-fr/train --valid corpora/toy-en-fr/valid --src en --tgt fr \
		--out $(DEMO_DIR)-translate --epochs 5 --embedding 64 --hidden 64 --decoder-hidden 128 --dropout 0.1 --lr 0.003
	@echo "--- three test sentences, their translations and attention (source across, target down):"
	@head -n 3 corpora/toy-en-fr/test.en | $(LSTMKIT) translate --model $(DEMO_DIR)-translate --align 2>&1 >/dev/null
	@echo "--- test BLEU (beam 5, detokenized output, sacreBLEU's score):"
	@$(LSTMKIT) translate eval --model $(DEMO_DIR)-translate --src corpora/toy-en-fr/test.en --ref corpora/toy-en-fr/test.fr

# Unit tests build in debug: keep them single-threaded (oneDNN/OpenMP) and small.
test: bootstrap
	OMP_NUM_THREADS=1 $(SWIFT) test

# The REPL on a real terminal (tmux): prompt, predictions, history, Tab, Ctrl-D and Ctrl-C.
check-repl: bootstrap
	$(SWIFT) build --product lstmkit
	scripts/check_repl_tmux.sh

# libFuzzer over the tokenizer, the vocabulary loader and the safetensors loader (fuzz/, a package
# of its own so `make test` never builds it), FUZZ_SECONDS each (default 60), one after another.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	scripts/fuzz.sh $(FUZZ_SECONDS)

# SIGKILL a toy training run at random moments; every checkpoint must load and --resume must end
# bit-identical to an uninterrupted run (CRASH_TRIALS, default 20).
CRASH_TRIALS ?= 20
check-crash-safety: bootstrap
	scripts/check_crash_safety.sh $(CRASH_TRIALS)

# Ctrl-C a toy cloze training run just after its first epoch; it must stop cleanly and --resume
# must end bit-identical to an uninterrupted run (INTERRUPT_TRIALS, default 12).
INTERRUPT_TRIALS ?= 12
check-interrupt: bootstrap
	scripts/check_interrupt.sh $(INTERRUPT_TRIALS)

clean:
	rm -rf .build
