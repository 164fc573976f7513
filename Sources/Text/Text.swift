// The Text target: tokenizer, vocabulary and corpus readers. Filled by the foundation issue.
