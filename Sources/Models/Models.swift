// The Models target: language model, cloze model, translator, decoding.
