// NeuralNet module of Atelier.
