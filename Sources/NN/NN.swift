// The NN target: layers with hand-written backward passes, optimizers.
