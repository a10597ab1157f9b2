import Testing

// Tests of the NeuralNet target live in this folder.
